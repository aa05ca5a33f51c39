import { describe, expect, it } from 'vitest'

import { treePrefix } from '../../../electron/server/tree-prefix'
import { syntheticRows } from '../../e2e/support/fake-handlers'

describe('first screen of the tree (processes.list firstRows)', () => {
  const rows = syntheticRows(400)

  it('takes rows depth first, each after its parent', () => {
    const first = treePrefix(rows, 60)
    expect(first).toHaveLength(60)
    expect(first[0]!.pid).toBe(1)
    const seen = new Set<number>()
    for (const r of first) {
      if (r.pid !== 1) expect(seen.has(r.ppid)).toBe(true)
      seen.add(r.pid)
    }
    // Depth first: pid 1's first child is followed by its own first child, if it has one.
    const kid = rows.find((r) => r.ppid === 1)!
    const grandkid = rows.find((r) => r.ppid === kid.pid)
    if (grandkid) expect(first[2]!.pid).toBe(grandkid.pid)
  })

  it('returns every row when asked for more than there are', () => {
    expect(treePrefix(rows.slice(0, 10), 50)).toHaveLength(10)
  })
})
