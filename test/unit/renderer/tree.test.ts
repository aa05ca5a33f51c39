import { describe, expect, it } from 'vitest'

import {
  buildForest,
  expandedState,
  filterRows,
  flattenForest
} from '../../../renderer/src/lib/tree'
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

  it('flattens depth-first, entering only expanded nodes', () => {
    const forest = buildForest(rows)
    const all = flattenForest(forest, () => true)
    expect(all).toHaveLength(rows.length)
    expect(all[0]!.node.row.pid).toBe(1)
    // Every row comes after its parent, one level deeper.
    const at = new Map(all.map((f, i) => [f.node.id, i]))
    for (const f of all.slice(1)) {
      const parent = all[at.get(f.parentId!)!]!
      expect(at.get(f.parentId!)!).toBeLessThan(at.get(f.node.id)!)
      expect(f.depth).toBe(parent.depth + 1)
    }
    const rootOnly = flattenForest(forest, () => false)
    expect(rootOnly.map((f) => f.node.row.pid)).toEqual([1])
    expect(rootOnly[0]!.expanded).toBe(false)
  })

  it('sorts siblings within each level and keeps the tree shape', () => {
    const forest = buildForest(rows)
    const byMem = flattenForest(
      forest,
      () => true,
      (a, b) => b.row.rssBytes - a.row.rssBytes
    )
    expect(byMem).toHaveLength(rows.length)
    const kids = byMem.filter((f) => f.parentId === forest[0]!.id).map((f) => f.node.row.rssBytes)
    expect(kids).toEqual([...kids].sort((a, b) => b - a))
  })
})
