import { describe, expect, it } from 'vitest'

import { findingsWithId, proc } from './builders'

describe('kernel-thread rule', () => {
  it('blocks a kernel thread', () => {
    const k = proc(2, { name: 'kthreadd', kernelThread: true, fds: [], ppid: 0 })
    expect(findingsWithId([k], 2, 'kernel-thread')).toMatchObject([
      { severity: 'blocker', pid: 2, evidence: ['pid 2: kernel thread kthreadd'] }
    ])
  })

  it('says nothing for a user process', () => {
    expect(findingsWithId([proc(100)], 100, 'kernel-thread')).toEqual([])
  })
})
