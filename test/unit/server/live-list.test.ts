import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import type { ProcessesChanged, ProcessList, ProcessRow } from '../../../electron/common/api-types'
import type { Connection } from '../../../electron/common/contract'
import { createLiveLists } from '../../../electron/server/live-list'
import { syntheticRows } from '../../e2e/support/fake-handlers'

/** A connection that records what is pushed to it and can be closed. */
function connection(id = 'c1'): Connection & { got: ProcessesChanged[]; close(): void } {
  const closers: Array<() => void> = []
  const got: ProcessesChanged[] = []
  return {
    id,
    got,
    emit: (name, payload) => {
      if (name === 'processes.changed') got.push(payload as ProcessesChanged)
    },
    onClose: (fn) => closers.push(fn),
    close: () => closers.splice(0).forEach((f) => f())
  }
}

describe('live process lists (processes.watch)', () => {
  let rows: ProcessRow[]
  let scans = 0
  let n = 0
  const scan = (): ProcessList => {
    scans++
    return { takenAt: `t${++n}`, durationMs: 5, selfPid: 1, uid: 0, rows }
  }
  beforeEach(() => {
    vi.useFakeTimers()
    rows = syntheticRows(20)
    scans = 0
    n = 0
  })
  afterEach(() => vi.useRealTimers())

  it('pushes only the changes since the list the client holds, at its interval', () => {
    const live = createLiveLists(scan, { shareMs: 0 })
    const c = connection()
    const first = live.list(c)
    expect(live.watch(c, { intervalMs: 1000, paused: false })).toBe(true)
    vi.advanceTimersByTime(1000)
    expect(c.got).toEqual([]) // nothing changed: nothing sent
    rows = [...rows, { ...rows[0]!, pid: 500, ppid: 1, name: 'newcomer' }]
    vi.advanceTimersByTime(1000)
    expect(c.got).toHaveLength(1)
    expect(c.got[0]).toMatchObject({ since: first.takenAt, removed: [] })
    expect(c.got[0]!.upserted.map((r) => r.pid)).toEqual([500])
    // The next set applies to the list the client now holds.
    rows = rows.filter((r) => r.pid !== 2)
    vi.advanceTimersByTime(1000)
    expect(c.got[1]).toMatchObject({ since: c.got[0]!.takenAt, upserted: [], removed: [2] })
    live.stop()
  })

  it('does not scan while paused, before a list, or after the connection closed', () => {
    const live = createLiveLists(scan, { shareMs: 0 })
    const c = connection()
    live.watch(c, { intervalMs: 500, paused: false })
    vi.advanceTimersByTime(2000)
    expect(scans).toBe(0) // no list yet: no base to diff against
    live.list(c)
    live.watch(c, { intervalMs: 500, paused: true })
    const before = scans
    vi.advanceTimersByTime(5000)
    expect(scans).toBe(before)
    live.watch(c, { intervalMs: 500, paused: false })
    vi.advanceTimersByTime(500)
    expect(scans).toBe(before + 1)
    c.close()
    vi.advanceTimersByTime(5000)
    expect(scans).toBe(before + 1)
  })

  it('scans at once for "refresh now" and shares a scan between connections', () => {
    const live = createLiveLists(scan, { shareMs: 10_000 })
    const a = connection('a')
    const b = connection('b')
    live.list(a)
    live.list(b)
    rows = rows.slice(1)
    const before = scans
    live.watch(a, { intervalMs: 1000, paused: false, scanNow: true })
    expect(a.got).toHaveLength(1)
    expect(scans).toBe(before + 1)
    live.watch(b, { intervalMs: 1000, paused: false })
    vi.advanceTimersByTime(1000)
    // b's tick reused a's scan (shareMs) instead of scanning again.
    expect(b.got).toHaveLength(1)
    expect(b.got[0]!.removed).toEqual([1])
    expect(scans).toBe(before + 1)
    live.stop()
  })

  it('keeps watching after a failed scan', () => {
    const errors: unknown[] = []
    let fail = false
    const live = createLiveLists(
      () => {
        if (fail) throw new Error('boom')
        return scan()
      },
      { shareMs: 0, onError: (e) => errors.push(e) }
    )
    const c = connection()
    live.list(c)
    live.watch(c, { intervalMs: 1000, paused: false })
    fail = true
    vi.advanceTimersByTime(1000)
    expect(errors).toHaveLength(1)
    fail = false
    rows = rows.slice(2)
    vi.advanceTimersByTime(1000)
    expect(c.got).toHaveLength(1)
    live.stop()
  })
})
