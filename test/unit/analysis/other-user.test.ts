import { describe, expect, it } from 'vitest'

import { USER_CONTEXT, findingsWithId, proc } from './builders'

describe('other-user rule', () => {
  const bobs = () => proc(100, { uid: 1001, uids: [1001, 1001, 1001, 1001], user: 'bob' })

  it('blocks another user’s process in user mode', () => {
    const [f] = findingsWithId([bobs()], 100, 'other-user', { context: USER_CONTEXT })
    expect(f).toMatchObject({ severity: 'blocker', pid: 100 })
    expect(f!.evidence).toEqual(['pid 100: uids 1001/1001/1001 (bob), yours 1000'])
  })

  it('blocks a setuid process (effective uid root) of the user', () => {
    const p = proc(100, { uids: [1000, 0, 0, 0] })
    expect(findingsWithId([p], 100, 'other-user', { context: USER_CONTEXT })).toHaveLength(1)
  })

  it('says nothing for the user’s own process, or for anyone in root mode', () => {
    expect(findingsWithId([proc(100)], 100, 'other-user', { context: USER_CONTEXT })).toEqual([])
    expect(findingsWithId([bobs()], 100, 'other-user')).toEqual([])
  })
})
