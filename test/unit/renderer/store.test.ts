import { describe, expect, it, vi } from 'vitest'

import { syntheticRows } from '../../e2e/support/fake-handlers'
import { makeStore } from './helpers'

describe('store slices over a fake API', () => {
  it('starts empty and fills on refresh', async () => {
    const { store } = makeStore([])
    expect(store.getState().list).toBeNull()
    await store.getState().refresh()
    expect(store.getState().list?.rows).toEqual([])
    expect(store.getState().listError).toBeNull()
  })

  it('keeps 5 000 rows and replaces them wholesale on refresh', async () => {
    const { store, backend } = makeStore(syntheticRows(5000))
    await store.getState().refresh()
    const first = store.getState().list
    expect(first?.rows).toHaveLength(5000)
    backend.setRows(syntheticRows(4990))
    await store.getState().refresh()
    expect(store.getState().list).not.toBe(first)
    expect(store.getState().list?.rows).toHaveLength(4990)
  })

  it('keeps the error as data with its code and keeps the last good list', async () => {
    const { store, backend } = makeStore(syntheticRows(10))
    await store.getState().refresh()
    backend.failList({ code: 'PERMISSION_DENIED', message: 'no', why: 'because', remedy: 'sudo' })
    await store.getState().refresh()
    expect(store.getState().listError).toMatchObject({ code: 'PERMISSION_DENIED', why: 'because' })
    expect(store.getState().list?.rows).toHaveLength(10)
    backend.failList(null)
    await store.getState().refresh()
    expect(store.getState().listError).toBeNull()
  })

  it('marks a selected process that vanished and keeps its details', async () => {
    const rows = syntheticRows(20)
    const { store, backend } = makeStore(rows)
    await store.getState().refresh()
    store.getState().select(7)
    await store.getState().loadDetails()
    expect(store.getState().details?.process.pid).toBe(7)
    backend.setRows(rows.filter((r) => r.pid !== 7))
    await store.getState().refresh()
    expect(store.getState().vanished).toBe(true)
    expect(store.getState().details?.process.pid).toBe(7)
    await store.getState().loadDetails()
    expect(store.getState().detailsError?.code).toBe('NO_SUCH_PROCESS')
  })

  it('applies change sets (upserts and removals)', async () => {
    const rows = syntheticRows(5)
    const { store } = makeStore(rows)
    await store.getState().refresh()
    const changed = { ...rows[1]!, name: 'renamed' }
    store
      .getState()
      .applyChanges({ takenAt: 'now', upserted: [changed], patched: [], removed: [3] })
    const after = store.getState().list!.rows
    expect(after.map((r) => r.pid)).toEqual([1, 2, 4, 5])
    expect(after[1]!.name).toBe('renamed')
  })

  it('keeps collapsed rows across refreshes', async () => {
    const { store } = makeStore(syntheticRows(50))
    await store.getState().refresh()
    store.getState().toggleCollapsed('1:200', true)
    await store.getState().refresh()
    expect(store.getState().collapsed).toEqual({ '1:200': true })
  })

  it('keeps the row objects of unchanged processes across a refresh', async () => {
    const rows = syntheticRows(20)
    const { store, backend } = makeStore(rows)
    await store.getState().refresh()
    const before = store.getState().list!.rows
    backend.setRows(rows.map((r) => (r.pid === 4 ? { ...r, rssBytes: r.rssBytes + 1 } : r)))
    await store.getState().refresh()
    const after = store.getState().list!.rows
    expect(after[0]).toBe(before[0])
    expect(after[3]).not.toBe(before[3])
    expect(after[3]!.rssBytes).toBe(before[3]!.rssBytes + 1)
  })

  it('fetches the whole list when a change set is for a list it does not hold', async () => {
    const rows = syntheticRows(10)
    const { store, backend } = makeStore(rows)
    await store.getState().refresh()
    backend.setRows(rows.slice(0, 8))
    store
      .getState()
      .applyChanges({ takenAt: 'later', since: 'not-mine', upserted: [], patched: [], removed: [] })
    await vi.waitFor(() => expect(store.getState().list?.rows).toHaveLength(8))
  })

  it('fetches the whole list when a change set names another base (sequence number)', async () => {
    const rows = syntheticRows(10)
    const { store, backend } = makeStore(rows)
    await store.getState().refresh()
    const { list } = store.getState()
    expect(list?.seq).toBeTypeOf('number')
    backend.setRows(rows.slice(0, 7))
    // Same takenAt (two scans within a millisecond) but another sequence number: not applied.
    store.getState().applyChanges({
      takenAt: 'later',
      since: list!.takenAt,
      sinceSeq: list!.seq! + 1,
      seq: list!.seq! + 2,
      upserted: [],
      patched: [{ pid: 2, rssBytes: 1 }],
      removed: []
    })
    await vi.waitFor(() => expect(store.getState().list?.rows).toHaveLength(7))
    expect(store.getState().list?.rows[1]!.rssBytes).toBe(rows[1]!.rssBytes)
  })

  it('patches changed fields, keeping the tree rows unless the shape changed', async () => {
    const rows = syntheticRows(10)
    const { store } = makeStore(rows)
    await store.getState().refresh()
    const { list, shapeRows } = store.getState()
    store.getState().applyChanges({
      takenAt: 't2',
      sinceSeq: list!.seq!,
      seq: list!.seq! + 1,
      upserted: [],
      patched: [{ pid: 3, rssBytes: 1, state: 'D' }],
      removed: []
    })
    const after = store.getState()
    expect(after.list!.rows[2]).toMatchObject({ pid: 3, rssBytes: 1, state: 'D' })
    expect(after.list!.rows[0]).toBe(list!.rows[0])
    expect(after.list!.seq).toBe(list!.seq! + 1)
    expect(after.shapeRows).toBe(shapeRows)
    store.getState().applyChanges({
      takenAt: 't3',
      sinceSeq: list!.seq! + 1,
      upserted: [],
      patched: [{ pid: 3, ppid: 2 }],
      removed: []
    })
    expect(store.getState().shapeRows).toBe(store.getState().list!.rows)
    expect(store.getState().shapeRows[2]!.ppid).toBe(2)
  })

  it('receives pushed changes after watching, without fetching the list again', async () => {
    const rows = syntheticRows(10)
    const { store, backend } = makeStore(rows)
    await store.getState().refresh()
    const refresh = vi.spyOn(store.getState(), 'refresh')
    store.setState({ intervalMs: 500 })
    await store.getState().watch(true)
    expect(store.getState().pushing).toBe(true)
    backend.setRows([...rows, { ...rows[2]!, pid: 77, ppid: 1, name: 'pushed' }])
    await vi.waitFor(() => expect(store.getState().list?.rows.map((r) => r.pid)).toContain(77), {
      timeout: 3000
    })
    expect(refresh).not.toHaveBeenCalled()
    await store.getState().watch(false)
    backend.stop()
  })
})
