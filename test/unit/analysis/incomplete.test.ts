import { describe, expect, it } from 'vitest'

import { findingsWithId, proc } from './builders'

describe('incomplete rule', () => {
  it('warns when something about a process of the tree could not be read', () => {
    const root = proc(100)
    const child = proc(101, {
      ppid: 100,
      unreadable: ['fd: permission denied', 'maps: permission denied']
    })
    expect(findingsWithId([root, child], 100, 'incomplete')).toMatchObject([
      {
        severity: 'warning',
        pid: 101,
        evidence: ['pid 101: fd: permission denied', 'pid 101: maps: permission denied']
      }
    ])
  })

  it('says nothing when everything was read', () => {
    expect(findingsWithId([proc(100)], 100, 'incomplete')).toEqual([])
  })
})
