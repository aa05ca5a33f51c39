/**
 * The process tree table: TanStack Table v9 (tree via getSubRows, sorting within each level,
 * expansion kept across refreshes by row id) with a virtualized body.
 */
import {
  useTable,
  type ExpandedState,
  type SortingState,
  type Updater
} from '@tanstack/react-table'
import { useVirtualizer } from '@tanstack/react-virtual'
import {
  useCallback,
  useLayoutEffect,
  useMemo,
  useRef,
  type KeyboardEvent,
  type ReactNode
} from 'react'

import { buildForest, expandedState, filterRows, type ProcessNode } from '../../lib/tree'
import { useAppStore } from '../../store/create-store'
import { GRID_TEMPLATE, processColumns, processFeatures } from './process-columns'
import { ProcessRowView } from './process-row'

const ROW_HEIGHT = 28
// Stable references: TanStack recomputes its row models when options change identity.
const getSubRows = (n: ProcessNode): ProcessNode[] | undefined =>
  n.children.length ? n.children : undefined
const getRowId = (n: ProcessNode): string => n.id
const selectNothing = (): Record<string, never> => ({})

function resolve<T>(u: Updater<T>, old: T): T {
  return typeof u === 'function' ? (u as (o: T) => T)(old) : u
}

/** Ids of every row that has children (for "collapse all"). */
export function parentIds(forest: readonly ProcessNode[]): string[] {
  const out: string[] = []
  const walk = (ns: readonly ProcessNode[]): void => {
    for (const n of ns) {
      if (n.children.length) {
        out.push(n.id)
        walk(n.children)
      }
    }
  }
  walk(forest)
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
  const sortingState = useAppStore((s) => s.sorting)
  const setSorting = useAppStore((s) => s.setSorting)
  const toggleCollapsed = useAppStore((s) => s.toggleCollapsed)
  const selectedPid = useAppStore((s) => s.selectedPid)
  const select = useAppStore((s) => s.select)
  const openMenu = useAppStore((s) => s.openMenu)
  const openFreeze = useAppStore((s) => s.openFreeze)

  // While searching everything is open, so every match is visible with its parents.
  const expanded: ExpandedState = useMemo(
    () => (searching ? true : expandedState(forest, collapsed)),
    [searching, forest, collapsed]
  )
  const sorting: SortingState = sortingState

  const setCollapsedMany = useAppStore((s) => s.setCollapsedMany)
  const onExpandedChange = useCallback(
    (u: Updater<ExpandedState>) => {
      const next = resolve(u, expanded)
      if (next === true || expanded === true) return
      // Translate TanStack's expanded map back into our "collapsed" set, in one update.
      const collapse = Object.keys(expanded).filter((id) => expanded[id] && !next[id])
      const open = Object.keys(next).filter((id) => next[id] && !expanded[id])
      setCollapsedMany(collapse, open)
    },
    [expanded, setCollapsedMany]
  )

  const onSortingChange = useCallback(
    (u: Updater<SortingState>) => setSorting(resolve(u, sorting)),
    [setSorting, sorting]
  )
  const state = useMemo(() => ({ expanded, sorting }), [expanded, sorting])
  const table = useTable(
    {
      features: processFeatures,
      columns: processColumns,
      data: forest,
      getSubRows,
      getRowId,
      state,
      onExpandedChange,
      onSortingChange,
      autoResetExpanded: false,
      enableSortingRemoval: true
    },
    selectNothing
  )

  const rows = table.getRowModel().rows
  const scrollRef = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12
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
  const selectedIndex = rows.findIndex((r) => r.original.row.pid === selectedPid)

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (rows.length === 0) return
    const move = (i: number): void => {
      const r = rows[Math.max(0, Math.min(rows.length - 1, i))]
      if (!r) return
      select(r.original.row.pid)
      virtualizer.scrollToIndex(Math.max(0, Math.min(rows.length - 1, i)))
    }
    const cur = rows[selectedIndex]
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
        if (cur?.getCanExpand() && !cur.getIsExpanded()) toggleCollapsed(cur.id, false)
        else if (cur?.getCanExpand()) move(selectedIndex + 1)
        break
      case 'ArrowLeft':
        if (cur?.getCanExpand() && cur.getIsExpanded()) toggleCollapsed(cur.id, true)
        else if (cur?.parentId) {
          const pi = rows.findIndex((r) => r.id === cur.parentId)
          if (pi >= 0) move(pi)
        }
        break
      case 'Enter':
        if (cur && cur.original.row.verdict !== 'blocked') void openFreeze(cur.original.row.pid)
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
            const row = rows[v.index]
            if (!row) return null
            const pid = row.original.row.pid
            return (
              <ProcessRowView
                key={row.id}
                row={row}
                table={table}
                start={v.start}
                height={ROW_HEIGHT}
                selected={pid === selectedPid}
                context={context.has(pid)}
                expanded={row.getIsExpanded()}
                onSelect={select}
                onMenu={onMenu}
                onOpen={onOpen}
              />
            )
          })}
        </div>
      </div>
    </div>
  )
}
