import { describe, expect, it } from 'vitest'

import { findingsWithId, proc } from './builders'

describe('zombie rule', () => {
  it('notes a zombie child as info', () => {
    const found = findingsWithId(
      [proc(100), proc(101, { ppid: 100, state: 'Z', fds: [] })],
      100,
      'zombie'
    )
    expect(found).toMatchObject([{ severity: 'info', pid: 101, evidence: ['pid 101: state Z'] }])
  })

  it('blocks a zombie root: nothing is left to freeze', () => {
    expect(findingsWithId([proc(100, { state: 'Z' })], 100, 'zombie')).toMatchObject([
      { severity: 'blocker', pid: 100 }
    ])
  })

  it('says nothing for stopped or sleeping processes', () => {
    expect(
      findingsWithId([proc(100, { state: 'T' }), proc(101, { ppid: 100 })], 100, 'zombie')
    ).toEqual([])
  })
})
