import { describe, expect, it } from 'vitest'

import { buildForest, expandedState, filterRows } from '../../../renderer/src/lib/tree'
import { syntheticRows } from '../../e2e/support/fake-handlers'

describe('process tree helpers', () => {
  const rows = syntheticRows(300)
  const base = { search: '', mineOnly: false, freezableOnly: false, hideKernel: false, uid: 1000 }

  it('builds one root for a tree under pid 1', () => {
    const forest = buildForest(rows)
    expect(forest).toHaveLength(1)
    expect(forest[0]!.row.pid).toBe(1)
  })

  it('search keeps the parents of matches, marked as context', () => {
    const target = rows[250]!
    const { rows: kept, context } = filterRows(rows, { ...base, search: String(target.pid) })
    const pids = new Set(kept.map((r) => r.pid))
    expect(pids.has(target.pid)).toBe(true)
    let p = rows.find((r) => r.pid === target.ppid)
    while (p) {
      expect(pids.has(p.pid)).toBe(true)
      expect(context.has(p.pid)).toBe(true)
      p = rows.find((r) => r.pid === p!.ppid)
    }
    expect(context.has(target.pid)).toBe(false)
  })

  it('filters mine only and freezable only', () => {
    const mine = filterRows(rows, { ...base, mineOnly: true })
    for (const r of mine.rows) expect(r.uid === 1000 || mine.context.has(r.pid)).toBe(true)
    const fr = filterRows(rows, { ...base, freezableOnly: true })
    for (const r of fr.rows) expect(r.verdict !== 'blocked' || fr.context.has(r.pid)).toBe(true)
  })

  it('expands every parent except the collapsed ones', () => {
    const forest = buildForest(rows)
    const all = expandedState(forest, {})
    expect(all[forest[0]!.id]).toBe(true)
    const some = expandedState(forest, { [forest[0]!.id]: true })
    expect(some[forest[0]!.id]).toBeUndefined()
  })
})
