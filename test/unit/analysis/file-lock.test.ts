import { describe, expect, it } from 'vitest'

import { findingsWithId, lock, proc } from './builders'

describe('file-lock rule', () => {
  it('needs --file-locks and describes each lock with fd, kind and file', () => {
    const p = proc(100, {
      locks: [
        lock(),
        lock({ kind: 'OFDLCK', access: 'READ', fd: 4, path: null, dev: '00:2a', inode: 77 }),
        lock({ kind: 'POSIX', fd: 5, start: '0', end: '9' })
      ]
    })
    const [f, ...rest] = findingsWithId([p], 100, 'file-lock')
    expect(rest).toEqual([])
    expect(f).toMatchObject({ severity: 'needs-option', option: '--file-locks', pid: 100 })
    expect(f!.evidence).toEqual([
      'fd 3: FLOCK WRITE lock on /tmp/lockfile',
      'fd 4: OFDLCK READ lock on device 00:2a inode 77',
      'fd 5: POSIX WRITE lock on /tmp/lockfile bytes 0-9'
    ])
    expect(f!.message).toMatch(/outside/)
  })

  it('attributes a lock to the descendant that holds it', () => {
    const found = findingsWithId(
      [proc(100), proc(101, { ppid: 100, locks: [lock()] })],
      100,
      'file-lock'
    )
    expect(found.map((f) => f.pid)).toEqual([101])
  })

  it('ignores locks held outside the tree', () => {
    expect(findingsWithId([proc(100), proc(200, { locks: [lock()] })], 100, 'file-lock')).toEqual(
      []
    )
  })
})

describe('file-lock rule with outside holders', () => {
  it('names a process outside the tree that locks the same file', () => {
    const inside = proc(100, { locks: [lock({ kind: 'POSIX', access: 'READ' })] })
    const outside = proc(200, { locks: [lock({ kind: 'POSIX', access: 'READ', fd: 7 })] })
    const [f] = findingsWithId([inside, outside], 100, 'file-lock')
    expect(f!.evidence).toEqual([
      'fd 3: POSIX READ lock on /tmp/lockfile, also locked by 200 (proc200)'
    ])
    expect(f!.message).toMatch(/a process outside the tree locks the same file/)
  })
})

describe('file-lock rule with many holders of one locked file', () => {
  // Everything started under flock(1) inherits its locked open file: thousands of holders.
  const shared = (pid: number, ppid = 1): ReturnType<typeof proc> =>
    proc(pid, { ppid, locks: [lock({ fd: 9 })] })

  it('names the first five holders outside the tree and counts the rest', () => {
    const outside = Array.from({ length: 40 }, (_, i) => shared(200 + i))
    const [f] = findingsWithId([shared(100), shared(101, 100), ...outside], 100, 'file-lock')
    expect(f!.evidence).toEqual([
      'fd 9: FLOCK WRITE lock on /tmp/lockfile, also locked by 200 (proc200), 201 (proc201), ' +
        '202 (proc202), 203 (proc203), 204 (proc204), and 35 more'
    ])
  })

  it('does not name holders inside the tree', () => {
    const found = findingsWithId([shared(100), shared(101, 100)], 100, 'file-lock')
    expect(found.map((f) => f.evidence)).toEqual([
      ['fd 9: FLOCK WRITE lock on /tmp/lockfile'],
      ['fd 9: FLOCK WRITE lock on /tmp/lockfile']
    ])
  })
})
