import { describe, expect, it } from 'vitest'

import { findingsWithId, proc } from './builders'

describe('traced rule', () => {
  it('blocks a process whose TracerPid is set and names the tracer', () => {
    const gdb = proc(50, { name: 'gdb' })
    const target = proc(100, { tracerPid: 50 })
    const [f, ...rest] = findingsWithId([gdb, target], 100, 'traced')
    expect(rest).toEqual([])
    expect(f).toMatchObject({ severity: 'blocker', pid: 100 })
    expect(f!.evidence).toEqual(['pid 100: TracerPid 50 (gdb)'])
    expect(f!.message).toContain('50 (gdb)')
  })

  it('finds a traced descendant', () => {
    const root = proc(100)
    const child = proc(101, { ppid: 100, tracerPid: 7 })
    const found = findingsWithId([root, child], 100, 'traced')
    expect(found.map((f) => f.pid)).toEqual([101])
  })

  it('says nothing when nobody traces the tree', () => {
    const root = proc(100)
    const outsider = proc(200, { tracerPid: 300 })
    expect(findingsWithId([root, outsider], 100, 'traced')).toEqual([])
  })
})
