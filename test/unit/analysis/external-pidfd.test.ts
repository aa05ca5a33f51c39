import { describe, expect, it } from 'vitest'

import { anon, findingsWithId, proc, withFds } from './builders'

const pidfd = (fd: number, pidfdPid: number | null) => ({
  ...anon(fd, 'pidfd', 'anon_inode:[pidfd]'),
  pidfdPid
})

describe('external-pidfd rule', () => {
  it('blocks a pidfd of a process outside the tree, naming it', () => {
    const found = findingsWithId(
      [proc(100, { fds: withFds(pidfd(3, 200)) }), proc(200, { name: 'server' })],
      100,
      'external-pidfd'
    )
    expect(found).toMatchObject([
      { severity: 'blocker', pid: 100, evidence: ['fd 3: pidfd of 200 (server)'] }
    ])
    expect(found[0]!.message).toMatch(/handle \(pidfd\) on a process outside/)
  })

  it('says nothing for a pidfd of a process inside the tree, of a process gone, or unread', () => {
    const tree = [
      proc(100, { fds: withFds(pidfd(3, 101), pidfd(4, -1), pidfd(5, null)) }),
      proc(101, { ppid: 100 })
    ]
    expect(findingsWithId(tree, 100, 'external-pidfd')).toEqual([])
  })

  it('names a pid it cannot find in the scan by number', () => {
    const found = findingsWithId(
      [proc(100, { fds: withFds(pidfd(3, 4242)) })],
      100,
      'external-pidfd'
    )
    expect(found[0]!.evidence).toEqual(['fd 3: pidfd of pid 4242'])
  })
})
