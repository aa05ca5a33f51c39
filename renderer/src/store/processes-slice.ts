/**
 * The live process list: replaced on each refresh and patched by pushed change sets (never
 * mutated in place; unchanged rows keep their object so memoised rows skip rendering), with the
 * view state (filters, collapsed rows, sorting, refresh interval) kept apart so it survives.
 */
import type { ProcessesChanged, ProcessList, ProcessRow } from '../../../electron/common/api-types'
import { AppError, type AppErrorData } from '../../../electron/common/errors'
import { applyDelta } from '../../../electron/common/row-delta'
import { shareRows } from '../lib/share-rows'
import { sortTouches } from '../lib/sort-fields'
import type { SliceCreator } from './types'

export interface SortState {
  id: string
  desc: boolean
}

export interface ProcessesSlice {
  list: ProcessList | null
  /**
   * The rows as of the last change of shape (a process came or went, or a field that places a
   * row in the tree, a filter or the current sort order changed): the tree is built from them,
   * each row then shown with its current values from `list`. A refresh that changed only memory,
   * state or threads leaves it alone, so the tree is neither rebuilt nor flattened again.
   */
  shapeRows: ProcessRow[]
  listError: AppErrorData | null
  loading: boolean
  /** How long the last refresh took from arriving to being in the DOM (ms), for the status bar. */
  lastApplyMs: number | null
  /** performance.now() when the current list arrived (null once its apply time is known). */
  listReceivedAt: number | null
  search: string
  mineOnly: boolean
  freezableOnly: boolean
  hideKernel: boolean
  /** Row ids the user collapsed; every other parent is expanded. */
  collapsed: Record<string, boolean>
  sorting: SortState[]
  paused: boolean
  intervalMs: number
  /**
   * Whether the core pushes changes (processes.watch): null until asked, false when the core
   * cannot (the view then polls the whole list instead).
   */
  pushing: boolean | null
  /** Fetches the whole list (or adopts `pending`, a processes.list call already made). */
  refresh(pending?: Promise<ProcessList>): Promise<void>
  /** Shows a first screen of rows (processes.list firstRows) unless the whole list is here. */
  showFirstScreen(l: ProcessList): void
  /** "Refresh now": the core scans at once and pushes the changes (whole list without push). */
  refreshNow(): Promise<void>
  /** Tells the core this client's interval and pause; `active` false pauses (view hidden). */
  watch(active: boolean): Promise<void>
  /** Called by the table once it has committed the current list to the DOM. */
  markApplied(): void
  applyChanges(c: ProcessesChanged): void
  setSearch(s: string): void
  setFilter(k: 'mineOnly' | 'freezableOnly' | 'hideKernel', v: boolean): void
  toggleCollapsed(id: string, collapsed?: boolean): void
  setCollapsedMany(collapse: string[], expand: string[]): void
  collapseAll(ids: string[]): void
  expandAll(): void
  setSorting(s: SortState[]): void
  setPaused(p: boolean): void
  setIntervalMs(ms: number): void
}

/** Errors as data for the UI (keeps the code, why and remedy). */
export function errorData(err: unknown): AppErrorData {
  if (err instanceof AppError) return err.toJSON()
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) }
}

export const createProcessesSlice: SliceCreator<ProcessesSlice> = (api) => (set, get) => ({
  list: null,
  shapeRows: [],
  listError: null,
  loading: false,
  lastApplyMs: null,
  listReceivedAt: null,
  search: '',
  mineOnly: false,
  freezableOnly: false,
  hideKernel: true,
  collapsed: {},
  sorting: [],
  paused: false,
  intervalMs: 3000,
  pushing: null,
  async refresh(pending) {
    if (get().loading) return
    set({ loading: true })
    try {
      const fresh = await (pending ?? api['processes.list']())
      performance.mark('icebox:list')
      const list = { ...fresh, rows: shareRows(get().list?.rows ?? [], fresh.rows) }
      set({
        list,
        shapeRows: list.rows,
        listError: null,
        loading: false,
        listReceivedAt: performance.now()
      })
      get().onProcessesReplaced(list.rows)
    } catch (err) {
      set({ listError: errorData(err), loading: false })
    }
  },
  showFirstScreen(l) {
    performance.mark('icebox:first-screen')
    if (!get().list) set({ list: l, shapeRows: l.rows })
  },
  async refreshNow() {
    const { list, pushing, intervalMs, paused } = get()
    if (!list || !pushing) return get().refresh()
    try {
      await api['processes.watch']({ intervalMs, paused, scanNow: true })
    } catch {
      await get().refresh()
    }
  },
  async watch(active) {
    if (get().pushing === false) return
    const { intervalMs, paused } = get()
    try {
      await api['processes.watch']({ intervalMs, paused: paused || !active })
      if (get().pushing !== true) set({ pushing: true })
    } catch {
      set({ pushing: false })
    }
  },
  markApplied() {
    const t0 = get().listReceivedAt
    if (t0 !== null) set({ lastApplyMs: performance.now() - t0, listReceivedAt: null })
  },
  applyChanges(c) {
    const { list, sorting } = get()
    if (!list) return
    // Changes to a list this client does not hold (it missed a set, the connection was
    // replaced, or another scanner numbered it): fetch the whole list.
    const other =
      (c.sinceSeq !== undefined && c.sinceSeq !== list.seq) ||
      (c.since !== undefined && c.since !== list.takenAt)
    if (other) {
      void get().refresh()
      return
    }
    const { rows, shapeChanged, fields } = applyDelta(list.rows, c)
    const next: ProcessList = {
      ...list,
      takenAt: c.takenAt,
      durationMs: c.durationMs ?? list.durationMs,
      rows,
      ...(c.seq !== undefined ? { seq: c.seq } : {})
    }
    const reshape = shapeChanged || sortTouches(sorting, fields)
    set({
      list: next,
      ...(reshape ? { shapeRows: rows } : {}),
      listReceivedAt: performance.now()
    })
    get().onProcessesReplaced(rows)
  },
  setSearch: (search) => set({ search }),
  setFilter: (k, v) => set({ [k]: v } as Pick<ProcessesSlice, typeof k>),
  toggleCollapsed(id, collapsed) {
    const cur = get().collapsed
    const next = collapsed ?? !cur[id]
    const copy = { ...cur }
    if (next) copy[id] = true
    else delete copy[id]
    set({ collapsed: copy })
  },
  setCollapsedMany(collapse, expand) {
    if (collapse.length === 0 && expand.length === 0) return
    const copy = { ...get().collapsed }
    for (const id of collapse) copy[id] = true
    for (const id of expand) delete copy[id]
    set({ collapsed: copy })
  },
  collapseAll: (ids) => set({ collapsed: Object.fromEntries(ids.map((id) => [id, true])) }),
  expandAll: () => set({ collapsed: {} }),
  // The tree order is built from shapeRows: sort by the values shown now.
  setSorting: (sorting) => set({ sorting, shapeRows: get().list?.rows ?? [] }),
  setPaused: (paused) => set({ paused }),
  setIntervalMs: (intervalMs) => set({ intervalMs })
})
