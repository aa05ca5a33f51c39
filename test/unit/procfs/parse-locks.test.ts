import { describe, expect, it } from 'vitest'

import { parseLockLine, parseLocks } from '../../../electron/core/procfs/parse-locks'

// /proc/locks captured with a flock holder, a POSIX holder with a blocked waiter, an OFD lock
// and a lease.
const LOCKS = [
  '1: POSIX  ADVISORY  WRITE 4301 fe:00:2155135 0 EOF',
  '1: -> POSIX  ADVISORY  WRITE 4302 fe:00:2155135 0 EOF',
  '2: FLOCK  ADVISORY  WRITE 4288 00:2c:1045 0 EOF',
  '3: OFDLCK ADVISORY  READ  -1 00:2c:1046 0 99',
  '4: LEASE  ACTIVE    READ  4400 103:02:7777 0 EOF',
  'garbage line',
  ''
].join('\n')

describe('parseLocks', () => {
  it('parses every well-formed line, decimal device numbers', () => {
    const locks = parseLocks(LOCKS)
    expect(locks).toHaveLength(5)
    expect(locks[0]).toEqual({
      id: 1,
      blocked: false,
      kind: 'POSIX',
      mode: 'ADVISORY',
      access: 'WRITE',
      pid: 4301,
      dev: '254:0',
      inode: 2155135,
      start: '0',
      end: 'EOF'
    })
    expect(locks[4]!.dev).toBe('259:2')
  })

  it('marks "->" waiters as blocked', () => {
    const [, waiter] = parseLocks(LOCKS)
    expect(waiter).toMatchObject({ id: 1, blocked: true, kind: 'POSIX', pid: 4302 })
  })

  it('keeps OFD locks with pid -1', () => {
    expect(parseLocks(LOCKS)[3]).toMatchObject({ kind: 'OFDLCK', pid: -1, dev: '0:44', end: '99' })
  })

  it('accepts the "lock:" prefix of fdinfo and rejects truncated lines', () => {
    expect(parseLockLine('lock:\t1: FLOCK ADVISORY WRITE 9 fe:00:5 0 EOF')).toMatchObject({
      kind: 'FLOCK',
      pid: 9,
      inode: 5
    })
    expect(parseLockLine('1: FLOCK ADVISORY WRITE 9 fe:00')).toBeNull()
    expect(parseLockLine('1: FLOCK ADVISORY WRITE 9 fe:00:5 0')).toBeNull()
  })

  it('maps unknown lock kinds to OTHER', () => {
    expect(parseLockLine('7: NEWKIND ADVISORY WRITE 9 fe:00:5 0 EOF')!.kind).toBe('OTHER')
  })
})
