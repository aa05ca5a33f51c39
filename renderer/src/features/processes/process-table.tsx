/**
 * The process tree table: TanStack Table v9 for the column model and sorting state, the rows
 * from lib/tree's flattening (expansion kept across refreshes by row id, sorting within each
 * level), and a virtualized body with fixed row heights (nothing is measured).
 */
import { useTable, type SortingState, type Updater } from '@tanstack/react-table'
import { useVirtualizer } from '@tanstack/react-virtual'
import {
  useCallback,
  useLayoutEffect,
  useMemo,
  useRef,
  type KeyboardEvent,
  type ReactNode
} from 'react'

import { buildForest, filterRows, flattenForest, type ProcessNode } from '../../lib/tree'
import { useAppStore } from '../../store/create-store'
import { compareFor, GRID_TEMPLATE, processColumns, processFeatures } from './process-columns'
import { ProcessRowView } from './process-row'

const ROW_HEIGHT = 28
/** Rows rendered beyond each edge of the window: enough for a fast wheel flick per frame. */
const OVERSCAN = 8
// Stable references: TanStack recomputes when options change identity.
const NO_DATA: ProcessNode[] = []
const selectNothing = (): Record<string, never> => ({})
const allOpen = (): boolean => true

function resolve<T>(u: Updater<T>, old: T): T {
  return typeof u === 'function' ? (u as (o: T) => T)(old) : u
}

/** Ids of every row that has children (for "collapse all"). */
export function parentIds(forest: readonly ProcessNode[]): string[] {
  const out: string[] = []
  const stack = [...forest]
  while (stack.length > 0) {
    const n = stack.pop()!
    if (n.children.length) {
      out.push(n.id)
      stack.push(...n.children)
    }
  }
  return out
}

/** Rows, filtered and built into a forest, from the store. */
export function useProcessForest(): { forest: ProcessNode[]; context: Set<number> } {
  const list = useAppStore((s) => s.list)
  const search = useAppStore((s) => s.search)
  const mineOnly = useAppStore((s) => s.mineOnly)
  const freezableOnly = useAppStore((s) => s.freezableOnly)
  const hideKernel = useAppStore((s) => s.hideKernel)
  return useMemo(() => {
    const rows = list?.rows ?? []
    const { rows: kept, context } = filterRows(rows, {
      search,
      mineOnly,
      freezableOnly,
      hideKernel,
      uid: list?.uid ?? -1
    })
    return { forest: buildForest(kept), context }
  }, [list, search, mineOnly, freezableOnly, hideKernel])
}

export function ProcessTable(props: { forest: ProcessNode[]; context: Set<number> }): ReactNode {
  const { forest, context } = props
  const collapsed = useAppStore((s) => s.collapsed)
  const searching = useAppStore((s) => s.search.trim() !== '')
  const sorting: SortingState = useAppStore((s) => s.sorting)
  const takenAt = useAppStore((s) => s.list?.takenAt ?? '')
  const setSorting = useAppStore((s) => s.setSorting)
  const toggleCollapsed = useAppStore((s) => s.toggleCollapsed)
  const selectedPid = useAppStore((s) => s.selectedPid)
  const select = useAppStore((s) => s.select)
  const openMenu = useAppStore((s) => s.openMenu)
  const openFreeze = useAppStore((s) => s.openFreeze)

  const compare = useMemo(() => compareFor(sorting), [sorting])
  // While searching everything is open, so every match is visible with its parents.
  const rows = useMemo(
    () => flattenForest(forest, searching ? allOpen : (id) => !collapsed[id], compare),
    [forest, searching, collapsed, compare]
  )

  const onSortingChange = useCallback(
    (u: Updater<SortingState>) => setSorting(resolve(u, sorting)),
    [setSorting, sorting]
  )
  const state = useMemo(() => ({ sorting }), [sorting])
  const table = useTable(
    {
      features: processFeatures,
      columns: processColumns,
      data: NO_DATA,
      state,
      onSortingChange,
      manualSorting: true,
      enableSortingRemoval: true
    },
    selectNothing
  )

  const scrollRef = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
    // Rows render in React's next task rather than synchronously inside each scroll event, so
    // several scroll events can share one render; the overscan covers the gap.
    useFlushSync: false
  })

  const markApplied = useAppStore((s) => s.markApplied)
  // Runs after React put this list into the DOM: the "applied in" figure of the status bar.
  useLayoutEffect(() => markApplied(), [forest, markApplied])
  const onMenu = useCallback(
    (pid: number, x: number, y: number) => {
      select(pid)
      openMenu({ x, y, pid })
    },
    [select, openMenu]
  )
  const onOpen = useCallback((pid: number) => void openFreeze(pid), [openFreeze])
  // Searching shows everything expanded; collapsing then would be undone by the search.
  const onToggle = useCallback(
    (id: string, collapse: boolean) => {
      if (!searching) toggleCollapsed(id, collapse)
    },
    [searching, toggleCollapsed]
  )
  const selectedIndex = useMemo(
    () => rows.findIndex((r) => r.node.row.pid === selectedPid),
    [rows, selectedPid]
  )

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (rows.length === 0) return
    const move = (i: number): void => {
      const at = Math.max(0, Math.min(rows.length - 1, i))
      const r = rows[at]
      if (!r) return
      select(r.node.row.pid)
      virtualizer.scrollToIndex(at)
    }
    const cur = rows[selectedIndex]
    const canExpand = (cur?.node.children.length ?? 0) > 0
    switch (e.key) {
      case 'ArrowDown':
        move(selectedIndex + 1)
        break
      case 'ArrowUp':
        move(selectedIndex <= 0 ? 0 : selectedIndex - 1)
        break
      case 'Home':
        move(0)
        break
      case 'End':
        move(rows.length - 1)
        break
      case 'PageDown':
        move(selectedIndex + 20)
        break
      case 'PageUp':
        move(selectedIndex - 20)
        break
      case 'ArrowRight':
        if (cur && canExpand && !cur.expanded) onToggle(cur.node.id, false)
        else if (canExpand) move(selectedIndex + 1)
        break
      case 'ArrowLeft':
        if (cur && canExpand && cur.expanded) onToggle(cur.node.id, true)
        else if (cur?.parentId) {
          const pi = rows.findIndex((r) => r.node.id === cur.parentId)
          if (pi >= 0) move(pi)
        }
        break
      case 'Enter':
        if (cur && cur.node.row.verdict !== 'blocked') void openFreeze(cur.node.row.pid)
        break
      default:
        return
    }
    e.preventDefault()
  }

  return (
    <div className="ptable" role="treegrid" aria-rowcount={rows.length}>
      <div className="ptable-head" style={{ gridTemplateColumns: GRID_TEMPLATE }} role="row">
        {table.getHeaderGroups()[0]?.headers.map((h) => {
          const sorted = h.column.getIsSorted()
          return (
            <button
              type="button"
              key={h.id}
              role="columnheader"
              className={`th th-${h.id}`}
              aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}
              onClick={h.column.getToggleSortingHandler()}
            >
              <table.FlexRender header={h} />
              <span className="sort-mark">
                {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : ''}
              </span>
            </button>
          )
        })}
      </div>
      <div
        className="ptable-body"
        ref={scrollRef}
        tabIndex={0}
        onKeyDown={onKeyDown}
        data-testid="process-table"
      >
        {rows.length === 0 && <div className="empty">No processes match.</div>}
        <div style={{ height: `${virtualizer.getTotalSize()}px`, position: 'relative' }}>
          {virtualizer.getVirtualItems().map((v) => {
            const flat = rows[v.index]
            if (!flat) return null
            const { node } = flat
            const pid = node.row.pid
            return (
              <ProcessRowView
                key={node.id}
                id={node.id}
                row={node.row}
                depth={flat.depth}
                canExpand={node.children.length > 0}
                expanded={flat.expanded}
                start={v.start}
                height={ROW_HEIGHT}
                selected={pid === selectedPid}
                context={context.has(pid)}
                takenAt={takenAt}
                onSelect={select}
                onMenu={onMenu}
                onOpen={onOpen}
                onToggle={onToggle}
              />
            )
          })}
        </div>
      </div>
    </div>
  )
}
