/**
 * The live process list: replaced on each refresh and patched by pushed change sets (never
 * mutated in place; unchanged rows keep their object so memoised rows skip rendering), with the
 * view state (filters, collapsed rows, sorting, refresh interval) kept apart so it survives.
 */
import type { ProcessesChanged, ProcessList, ProcessRow } from '../../../electron/common/api-types'
import { AppError, type AppErrorData } from '../../../electron/common/errors'
import { shareRows } from '../lib/share-rows'
import type { SliceCreator } from './types'

export interface SortState {
  id: string
  desc: boolean
}

export interface ProcessesSlice {
  list: ProcessList | null
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
      set({ list, listError: null, loading: false, listReceivedAt: performance.now() })
      get().onProcessesReplaced(list.rows)
    } catch (err) {
      set({ listError: errorData(err), loading: false })
    }
  },
  showFirstScreen(l) {
    performance.mark('icebox:first-screen')
    if (!get().list) set({ list: l })
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
    const list = get().list
    if (!list) return
    // Changes to a list this client does not hold (it missed a set): fetch the whole list.
    if (c.since !== undefined && c.since !== list.takenAt) {
      void get().refresh()
      return
    }
    const removed = new Set(c.removed)
    const up = new Map(c.upserted.map((r) => [r.pid, r]))
    const rows: ProcessRow[] = []
    for (const r of list.rows) {
      if (removed.has(r.pid)) continue
      const n = up.get(r.pid)
      rows.push(n ?? r)
      up.delete(r.pid)
    }
    rows.push(...up.values())
    set({
      list: { ...list, takenAt: c.takenAt, durationMs: c.durationMs ?? list.durationMs, rows },
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
  setSorting: (sorting) => set({ sorting }),
  setPaused: (paused) => set({ paused }),
  setIntervalMs: (intervalMs) => set({ intervalMs })
})
