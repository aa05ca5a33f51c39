// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'

import { syntheticRows } from '../../e2e/support/fake-handlers'
import { makeStore, renderApp } from './helpers'

afterEach(cleanup)

// happy-dom does no layout: give elements a 1280×600 box so the virtualizer has a viewport.
beforeAll(() => {
  HTMLElement.prototype.getBoundingClientRect = function () {
    return {
      x: 0,
      y: 0,
      top: 0,
      left: 0,
      bottom: 600,
      right: 1280,
      width: 1280,
      height: 600,
      toJSON: () => ({})
    } as DOMRect
  }
  Object.defineProperty(HTMLElement.prototype, 'offsetHeight', {
    configurable: true,
    get: () => 600
  })
  Object.defineProperty(HTMLElement.prototype, 'offsetWidth', {
    configurable: true,
    get: () => 1280
  })
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
    configurable: true,
    get: () => 600
  })
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', {
    configurable: true,
    get: () => 1280
  })
})

describe('Processes view against a fake API', () => {
  it('shows an empty state with no processes', async () => {
    const { store } = makeStore([])
    renderApp(store)
    await act(() => store.getState().refresh())
    expect(await screen.findByText('No processes match.')).toBeTruthy()
  })

  it('renders 5 000 processes virtually (only a window of rows in the DOM)', async () => {
    const { store } = makeStore(syntheticRows(5000))
    renderApp(store)
    await act(() => store.getState().refresh())
    const table = screen.getByTestId('process-table')
    const rendered = table.querySelectorAll('[role="row"]')
    expect(rendered.length).toBeGreaterThan(0)
    expect(rendered.length).toBeLessThan(200)
    expect(screen.getByRole('treegrid').getAttribute('aria-rowcount')).toBe('5000')
  })

  it('shows an explained error when the list fails', async () => {
    const { store, backend } = makeStore([])
    backend.failList({
      code: 'PERMISSION_DENIED',
      message: 'Cannot read /proc.',
      why: 'hidepid is set',
      remedy: 'Run as root.'
    })
    renderApp(store)
    await act(() => store.getState().refresh())
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('Cannot read /proc.')
    expect(alert.textContent).toContain('hidepid is set')
    expect(alert.textContent).toContain('Run as root.')
  })

  it('keeps showing a selected process that vanished, with a note', async () => {
    const rows = syntheticRows(30)
    const { store, backend } = makeStore(rows)
    renderApp(store)
    await act(() => store.getState().refresh())
    await act(async () => {
      store.getState().select(5)
      await store.getState().loadDetails()
    })
    expect(screen.getByTestId('details').textContent).toContain('pid 5')
    backend.setRows(rows.filter((r) => r.pid !== 5))
    await act(() => store.getState().refresh())
    expect(screen.getByTestId('details').textContent).toContain('Process 5 has exited')
  })

  it('disables Freeze for a blocked process and says why', async () => {
    const rows = syntheticRows(30)
    const { store } = makeStore(rows)
    renderApp(store)
    await act(() => store.getState().refresh())
    act(() => store.getState().select(1))
    const btn = screen.getAllByRole('button', { name: /Freeze and save/ })[0] as HTMLButtonElement
    expect(btn.disabled).toBe(true)
    expect(btn.title).toMatch(/Cannot freeze .*device/)
  })

  it('renders hostile process names as text', async () => {
    const rows = syntheticRows(3)
    rows[1] = { ...rows[1]!, name: '<img src=x onerror=alert(1)>', command: '<b>bold</b>' }
    const { store } = makeStore(rows)
    const { container } = renderApp(store)
    await act(() => store.getState().refresh())
    await waitFor(() => expect(container.textContent).toContain('<img src=x onerror=alert(1)>'))
    expect(container.querySelector('img')).toBeNull()
    expect(container.querySelector('b')).toBeNull()
  })

  it('moves the selection with the keyboard', async () => {
    const { store } = makeStore(syntheticRows(30))
    renderApp(store)
    await act(() => store.getState().refresh())
    act(() => store.getState().select(1))
    const table = screen.getByTestId('process-table')
    fireEvent.keyDown(table, { key: 'ArrowDown' })
    expect(store.getState().selectedPid).not.toBe(1)
    fireEvent.keyDown(table, { key: 'Home' })
    expect(store.getState().selectedPid).toBe(1)
  })

  it('sorts within each level from the column header and keeps the tree', async () => {
    const rows = syntheticRows(30)
    const { store } = makeStore(rows)
    renderApp(store)
    await act(() => store.getState().refresh())
    const pidsShown = (): number[] =>
      [...screen.getByTestId('process-table').querySelectorAll('[role="row"]')].map((r) =>
        Number(r.getAttribute('data-pid'))
      )
    const rootKids = rows.filter((r) => r.ppid === 1).map((r) => r.pid)
    fireEvent.click(screen.getByRole('columnheader', { name: /PID/ }))
    expect(store.getState().sorting).toEqual([{ id: 'pid', desc: true }])
    await waitFor(() => expect(pidsShown()[0]).toBe(1))
    const shownKids = pidsShown().filter((p) => rootKids.includes(p))
    expect(shownKids).toEqual([...rootKids].sort((a, b) => b - a))
    expect(screen.getByRole('columnheader', { name: /PID/ }).getAttribute('aria-sort')).toBe(
      'descending'
    )
  })

  it('collapses and expands a row from its toggle', async () => {
    const { store } = makeStore(syntheticRows(30))
    renderApp(store)
    await act(() => store.getState().refresh())
    const table = screen.getByTestId('process-table')
    const before = table.querySelectorAll('[role="row"]').length
    fireEvent.click(table.querySelector('[data-pid="1"] .expander')!)
    await waitFor(() => expect(table.querySelectorAll('[role="row"]').length).toBe(1))
    fireEvent.click(table.querySelector('[data-pid="1"] .expander')!)
    await waitFor(() => expect(table.querySelectorAll('[role="row"]').length).toBe(before))
  })

  it('shows pushed memory changes without rebuilding the tree, and re-sorts by them', async () => {
    const rows = syntheticRows(30)
    const { store } = makeStore(rows)
    renderApp(store)
    await act(() => store.getState().refresh())
    const shape = store.getState().shapeRows
    const table = screen.getByTestId('process-table')
    const memory = (pid: number): string | null | undefined =>
      table.querySelector(`[data-pid="${pid}"] .td-memory`)?.textContent
    const { list } = store.getState()
    const gib = 1024 ** 3
    act(() =>
      store.getState().applyChanges({
        takenAt: 'later',
        since: list!.takenAt,
        upserted: [],
        patched: [{ pid: 2, rssBytes: 3 * gib }],
        removed: []
      })
    )
    await waitFor(() => expect(memory(2)).toMatch(/^3(\.0)? GiB$/))
    expect(store.getState().shapeRows).toBe(shape)
    // Sorted by memory, a memory change moves the row among its siblings.
    fireEvent.click(screen.getByRole('columnheader', { name: /Memory/ }))
    const siblings = (): number[] =>
      [...table.querySelectorAll('[role="row"][aria-level="2"]')].map((r) =>
        Number(r.getAttribute('data-pid'))
      )
    await waitFor(() => expect(siblings()[0]).toBe(2))
    const last = siblings().at(-1)!
    act(() =>
      store.getState().applyChanges({
        takenAt: 'later still',
        since: 'later',
        upserted: [],
        patched: [{ pid: last, rssBytes: 2 * gib }],
        removed: []
      })
    )
    await waitFor(() => expect(siblings().slice(0, 2)).toEqual([2, last]))
  })
})
