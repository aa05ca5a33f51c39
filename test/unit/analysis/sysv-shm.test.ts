import { describe, expect, it } from 'vitest'

import { findingsWithId, proc } from './builders'

const maps = (sysvShm: boolean) => ({ devices: [], sysvShm, uprobes: false, deletedFiles: [] })

describe('sysv-shm rule', () => {
  it('blocks a process with a SysV shared memory mapping', () => {
    expect(findingsWithId([proc(100, { maps: maps(true) })], 100, 'sysv-shm')).toMatchObject([
      { severity: 'blocker', pid: 100 }
    ])
  })

  it('says nothing without one, or when maps were unreadable', () => {
    expect(findingsWithId([proc(100, { maps: maps(false) })], 100, 'sysv-shm')).toEqual([])
    expect(findingsWithId([proc(100, { maps: null })], 100, 'sysv-shm')).toEqual([])
  })
})
