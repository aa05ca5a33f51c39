import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import type { ProcessRow } from '../../../electron/common/api-types'
import { packPatches, unpackPatches } from '../../../electron/common/row-codec'
import { applyDelta, diffRow, diffRows } from '../../../electron/common/row-delta'
import { syntheticRows } from '../../e2e/support/fake-handlers'

const byPid = (rows: readonly ProcessRow[]): ProcessRow[] => [...rows].sort((a, b) => a.pid - b.pid)

/** A field change a scan can bring, applied to row `r`. */
const mutation = fc.constantFrom<Array<(r: ProcessRow) => ProcessRow>>(
  (r) => ({ ...r, rssBytes: r.rssBytes + 4096 }),
  (r) => ({ ...r, state: r.state === 'R' ? 'S' : 'R', threads: r.threads + 1 }),
  (r) => ({ ...r, counts: { ...r.counts, sockets: r.counts.sockets + 1 } }),
  (r) => ({ ...r, ppid: 1 }),
  (r) => ({ ...r, name: `${r.name}-x`, command: `${r.command} --x` }),
  (r) => ({ ...r, verdict: 'blocked', reasons: ['now blocked'], findingIds: ['device'] }),
  (r) => ({ ...r, kernelThread: !r.kernelThread, user: 'bob', uid: 1001 }),
  (r) => ({ ...r, startTicks: r.startTicks + 1, name: 'reused pid' })
)

describe('row change sets', () => {
  it('carries only the fields that changed', () => {
    const [a] = syntheticRows(1)
    expect(diffRow(a!, { ...a! })).toBeNull()
    expect(diffRow(a!, { ...a!, rssBytes: 1, state: 'Z' })).toEqual({
      pid: 1,
      rssBytes: 1,
      state: 'Z'
    })
    const counts = { ...a!.counts, locks: 3 }
    expect(diffRow(a!, { ...a!, counts })).toEqual({ pid: 1, counts })
  })

  it('sends a pid reused by another process (new start time) as a new row', () => {
    const before = syntheticRows(5)
    const after = before.map((r) => (r.pid === 3 ? { ...r, startTicks: r.startTicks + 1 } : r))
    const d = diffRows(before, after)
    expect(d.upserted.map((r) => r.pid)).toEqual([3])
    expect(d.patched).toEqual([])
  })

  it('applied to the old rows, gives the new rows, keeping every unchanged object', () => {
    const base = syntheticRows(60)
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 59 }), mutation), { maxLength: 20 }),
        fc.uniqueArray(fc.integer({ min: 2, max: 60 }), { maxLength: 5 }),
        fc.integer({ min: 0, max: 3 }),
        (muts, gone, born) => {
          const next = base.map((r) => r)
          for (const [i, m] of muts) next[i] = m(next[i]!)
          const kept = next.filter((r) => !gone.includes(r.pid))
          for (let k = 0; k < born; k++) kept.push({ ...base[k]!, pid: 1000 + k, ppid: 1 })
          const delta = diffRows(base, kept)
          // Through the wire form, as over the WebSocket.
          const patched = unpackPatches(JSON.parse(JSON.stringify(packPatches(delta.patched))))
          const { rows } = applyDelta(base, { ...delta, patched })
          expect(byPid(rows)).toEqual(byPid(kept))
          const same = new Set(base)
          for (const r of rows)
            if (kept.includes(r) && base.includes(r)) expect(same.has(r)).toBe(true)
        }
      )
    )
  })

  it('applies patches that come in another order than the rows the client holds', () => {
    // A client appends new processes at the end while the scan lists them in pid order, so the
    // patches of a later scan need not follow the client's rows.
    const base = syntheticRows(40)
    const ids = base.map((_, i) => i)
    fc.assert(
      fc.property(
        fc.shuffledSubarray(ids, { minLength: ids.length, maxLength: ids.length }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 39 }), mutation), { maxLength: 40 }),
        (order, muts) => {
          const next = base.map((r) => r)
          for (const [i, m] of muts) next[i] = m(next[i]!)
          const delta = diffRows(base, next)
          const held = order.map((i) => base[i]!)
          const patched = unpackPatches(JSON.parse(JSON.stringify(packPatches(delta.patched))))
          const { rows } = applyDelta(held, { ...delta, patched })
          // In the client's order (a reused pid's new process takes its place).
          expect(rows.map((r) => r.pid)).toEqual(held.map((r) => r.pid))
          expect(byPid(rows)).toEqual(byPid(next))
        }
      )
    )
  })

  it('keeps the shape when only memory, state, threads or counts changed', () => {
    const base = syntheticRows(100)
    const busier = base.map((r) => ({
      ...r,
      rssBytes: r.rssBytes + 1,
      state: 'D',
      threads: r.threads + 2,
      counts: { ...r.counts, files: r.counts.files + 1 }
    }))
    const a = applyDelta(base, diffRows(base, busier))
    expect(a.shapeChanged).toBe(false)
    expect([...a.fields].sort()).toEqual(['counts', 'rssBytes', 'state', 'threads'])
    expect(a.rows).toEqual(busier)
    expect(a.rows[0]).not.toBe(base[0])
  })

  it('changes the shape when a parent, a filtered field, or the set of processes changed', () => {
    const base = syntheticRows(10)
    const shape = (next: ProcessRow[]): boolean =>
      applyDelta(base, diffRows(base, next)).shapeChanged
    const one = (f: (r: ProcessRow) => ProcessRow): ProcessRow[] =>
      base.map((r) => (r.pid === 5 ? f(r) : r))
    expect(shape(one((r) => ({ ...r, ppid: 2 })))).toBe(true)
    expect(shape(one((r) => ({ ...r, name: 'other' })))).toBe(true)
    expect(
      shape(one((r) => ({ ...r, verdict: r.verdict === 'blocked' ? 'freezable' : 'blocked' })))
    ).toBe(true)
    expect(shape(one((r) => ({ ...r, uid: 7 })))).toBe(true)
    expect(shape(one((r) => ({ ...r, kernelThread: true })))).toBe(true)
    expect(shape(base.slice(1))).toBe(true)
    expect(shape(one((r) => ({ ...r, rssBytes: 0 })))).toBe(false)
    expect(shape(base)).toBe(false)
  })
})
