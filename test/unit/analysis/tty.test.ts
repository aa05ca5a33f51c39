import { describe, expect, it } from 'vitest'

import { device, findingsWithId, proc, withFds } from './builders'

describe('tty rule', () => {
  it('needs --shell-job when the root has a controlling terminal', () => {
    const p = proc(100, { ttyNr: 34816, tty: 'pts/0', tpgid: 100 })
    const [f, ...rest] = findingsWithId([p], 100, 'tty')
    expect(rest).toEqual([])
    expect(f).toMatchObject({ severity: 'needs-option', option: '--shell-job', pid: 100 })
    expect(f!.evidence).toEqual(['controlling terminal pts/0'])
  })

  it('needs --shell-job when the root is not a session leader', () => {
    const p = proc(100, { sid: 50 })
    const [f] = findingsWithId([proc(50), p], 100, 'tty')
    expect(f!.evidence).toEqual(['session 50, not led by pid 100'])
  })

  it('says nothing for a session leader without a terminal, even if a child has one', () => {
    const root = proc(100)
    const child = proc(101, { ppid: 100, sid: 100 })
    expect(findingsWithId([root, child], 100, 'tty')).toEqual([])
  })
})

describe('tty rule with terminal fds', () => {
  it('needs --shell-job for a pty slave whose master is outside the tree', () => {
    const p = proc(100, { fds: [device(0, '/dev/pts/4', 136, 4), device(1, '/dev/null', 1, 3)] })
    const [f] = findingsWithId([p], 100, 'tty')
    expect(f).toMatchObject({ option: '--shell-job', evidence: ['pid 100 fd 0: /dev/pts/4'] })
  })

  it('says nothing when the tree holds the master too', () => {
    const p = proc(100, {
      fds: withFds(device(3, '/dev/ptmx', 5, 2), device(4, '/dev/pts/4', 136, 4))
    })
    expect(findingsWithId([p], 100, 'tty')).toEqual([])
  })
})
