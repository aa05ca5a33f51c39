import { describe, expect, it } from 'vitest'

import { findingsWithId, proc } from './builders'

describe('children rule', () => {
  it('notes the descendants as info', () => {
    const found = findingsWithId(
      [proc(100), proc(101, { ppid: 100 }), proc(102, { ppid: 101 })],
      100,
      'children'
    )
    expect(found).toMatchObject([
      { severity: 'info', pid: 100, evidence: ['101 (proc101)', '102 (proc102)'] }
    ])
  })

  it('says nothing for a process without children', () => {
    expect(findingsWithId([proc(100), proc(101)], 100, 'children')).toEqual([])
  })
})
