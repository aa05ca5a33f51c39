import { describe, expect, it } from 'vitest'

import type { ProcessList } from '../../../electron/common/api-types'
import { diffLists, diffRows, isEmptyChange } from '../../../electron/server/process-diff'
import { syntheticRows } from '../../e2e/support/fake-handlers'

const list = (takenAt: string, rows = syntheticRows(50)): ProcessList => ({
  takenAt,
  durationMs: 7,
  selfPid: 1,
  uid: 1000,
  rows
})

describe('process list diff', () => {
  it('sends nothing when nothing changed (rows equal by value, not identity)', () => {
    const c = diffRows(syntheticRows(50), syntheticRows(50), 't2')
    expect(c).toEqual({ takenAt: 't2', upserted: [], removed: [] })
    expect(isEmptyChange(c)).toBe(true)
  })

  it('sends added, changed and removed rows only', () => {
    const before = syntheticRows(50)
    const after = before.filter((r) => r.pid !== 10)
    after[3] = { ...after[3]!, rssBytes: after[3]!.rssBytes + 4096 }
    after[5] = { ...after[5]!, counts: { ...after[5]!.counts, sockets: 9 } }
    after[7] = { ...after[7]!, reasons: [...after[7]!.reasons, 'new reason'] }
    const born = { ...before[0]!, pid: 999, ppid: 1, name: 'newborn' }
    after.push(born)
    const c = diffRows(before, after, 't2')
    expect(c.removed).toEqual([10])
    expect(c.upserted.map((r) => r.pid).sort((a, b) => a - b)).toEqual(
      [after[3]!.pid, after[5]!.pid, after[7]!.pid, 999].sort((a, b) => a - b)
    )
    expect(c.upserted.find((r) => r.pid === 999)).toEqual(born)
  })

  it('treats a reused pid with a new start time as a changed row', () => {
    const before = syntheticRows(5)
    const after = before.map((r) => (r.pid === 3 ? { ...r, startTicks: r.startTicks + 1 } : r))
    expect(diffRows(before, after, 't').upserted.map((r) => r.pid)).toEqual([3])
  })

  it('stamps a list diff with the base it applies to and the scan time', () => {
    const a = list('t1')
    const b = { ...list('t2', a.rows.slice(1)), durationMs: 42 }
    const c = diffLists(a, b)
    expect(c).toMatchObject({ takenAt: 't2', since: 't1', durationMs: 42, removed: [1] })
  })
})
