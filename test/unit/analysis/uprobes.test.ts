import { describe, expect, it } from 'vitest'

import { findingsWithId, proc } from './builders'

const maps = (uprobes: boolean) => ({ devices: [], sysvShm: false, uprobes, deletedFiles: [] })

describe('uprobes rule', () => {
  it('needs --allow-uprobes when a [uprobes] mapping exists', () => {
    expect(findingsWithId([proc(100, { maps: maps(true) })], 100, 'uprobes')).toMatchObject([
      { severity: 'needs-option', option: '--allow-uprobes', pid: 100 }
    ])
  })

  it('says nothing otherwise', () => {
    expect(findingsWithId([proc(100, { maps: maps(false) })], 100, 'uprobes')).toEqual([])
  })
})
