import { describe, expect, it } from 'vitest'

import { SELF_PID, findingsWithId, proc } from './builders'

describe('self rule', () => {
  it('blocks Icebox itself', () => {
    const [f] = findingsWithId([proc(SELF_PID)], SELF_PID, 'self')
    expect(f).toMatchObject({ severity: 'blocker', pid: SELF_PID })
    expect(f!.message).toMatch(/Icebox itself/)
  })

  it('blocks an ancestor of Icebox', () => {
    const shell = proc(50, { name: 'bash' })
    const icebox = proc(SELF_PID, { ppid: 50 })
    const [f] = findingsWithId([shell, icebox], 50, 'self')
    expect(f).toMatchObject({ severity: 'blocker', pid: 50, evidence: [`Icebox pid ${SELF_PID}`] })
  })

  it('says nothing for a child or a sibling of Icebox', () => {
    const child = proc(100, { ppid: SELF_PID })
    const sibling = proc(101, { ppid: 1 })
    const all = [proc(SELF_PID), child, sibling]
    expect(findingsWithId(all, 100, 'self')).toEqual([])
    expect(findingsWithId(all, 101, 'self')).toEqual([])
  })
})
