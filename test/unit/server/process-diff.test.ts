import { describe, expect, it } from 'vitest'

import type { ProcessList } from '../../../electron/common/api-types'
import { diffLists, isEmptyChange } from '../../../electron/server/process-diff'
import { syntheticRows } from '../../e2e/support/fake-handlers'

const list = (takenAt: string, rows = syntheticRows(50), seq?: number): ProcessList => ({
  takenAt,
  durationMs: 7,
  selfPid: 1,
  uid: 1000,
  rows,
  ...(seq !== undefined ? { seq } : {})
})

describe('process list diff', () => {
  it('sends nothing when nothing changed (rows equal by value, not identity)', () => {
    const c = diffLists(list('t1'), list('t2'))
    expect(c).toMatchObject({ takenAt: 't2', upserted: [], patched: [], removed: [] })
    expect(isEmptyChange(c)).toBe(true)
  })

  it('is not empty when only a field changed', () => {
    const a = list('t1')
    const b = list(
      't2',
      a.rows.map((r) => (r.pid === 4 ? { ...r, threads: r.threads + 1 } : r))
    )
    const c = diffLists(a, b)
    expect(c.patched).toEqual([{ pid: 4, threads: a.rows[3]!.threads + 1 }])
    expect(isEmptyChange(c)).toBe(false)
  })

  it('stamps a list diff with the base it applies to and the scan time', () => {
    const a = list('t1', undefined, 4)
    const b = { ...list('t2', a.rows.slice(1), 5), durationMs: 42 }
    const c = diffLists(a, b)
    expect(c).toMatchObject({
      takenAt: 't2',
      since: 't1',
      sinceSeq: 4,
      seq: 5,
      durationMs: 42,
      removed: [1]
    })
  })
})
