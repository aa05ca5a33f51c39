/**
 * The process tree table: TanStack Table v9 for the column model and sorting state, the rows
 * from lib/tree's flattening (expansion kept across refreshes by row id, sorting within each
 * level), and the virtualized body (process-table-body), which alone re-renders while scrolling.
 */
import { useTable, type SortingState, type Updater } from '@tanstack/react-table'
import { useCallback, useLayoutEffect, useMemo, type CSSProperties, type ReactNode } from 'react'

import type { ProcessRow } from '../../../../electron/common/api-types'
import { buildForest, filterRows, flattenForest, type ProcessNode } from '../../lib/tree'
import { useAppStore } from '../../store/create-store'
import { compareFor, GRID_TEMPLATE, processColumns, processFeatures } from './process-columns'
import { ProcessTableBody } from './process-table-body'

/** Header and rows share the column template through a custom property (not one inline style per row). */
const GRID_STYLE = { '--grid': GRID_TEMPLATE } as CSSProperties
// Stable references: TanStack recomputes when options change identity.
const NO_DATA: ProcessNode[] = []
const selectNothing = (): Record<string, never> => ({})
const allOpen = (): boolean => true

function resolve<T>(u: Updater<T>, old: T): T {
  return typeof u === 'function' ? (u as (o: T) => T)(old) : u
}

/** Each pid's index in `rows`. */
function placesOf(rows: readonly ProcessRow[]): Map<number, number> {
  const m = new Map<number, number>()
  for (let i = 0; i < rows.length; i++) m.set(rows[i]!.pid, i)
  return m
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

/**
 * Rows, filtered and built into a forest, from the store's shapeRows: a refresh that changed no
 * process's place in the tree, the filters or the sort order keeps the forest it had.
 */
export function useProcessForest(): { forest: ProcessNode[]; context: Set<number> } {
  const shapeRows = useAppStore((s) => s.shapeRows)
  const uid = useAppStore((s) => s.list?.uid ?? -1)
  const search = useAppStore((s) => s.search)
  const mineOnly = useAppStore((s) => s.mineOnly)
  const freezableOnly = useAppStore((s) => s.freezableOnly)
  const hideKernel = useAppStore((s) => s.hideKernel)
  return useMemo(() => {
    const { rows: kept, context } = filterRows(shapeRows, {
      search,
      mineOnly,
      freezableOnly,
      hideKernel,
      uid
    })
    return { forest: buildForest(kept), context }
  }, [shapeRows, search, mineOnly, freezableOnly, hideKernel, uid])
}

export function ProcessTable(props: { forest: ProcessNode[]; context: Set<number> }): ReactNode {
  const { forest, context } = props
  const collapsed = useAppStore((s) => s.collapsed)
  const searching = useAppStore((s) => s.search.trim() !== '')
  const sorting: SortingState = useAppStore((s) => s.sorting)
  const list = useAppStore((s) => s.list)
  const takenAt = list?.takenAt ?? ''
  // The current values of each row where the forest's nodes hold older ones (a change set that
  // kept the shape); after a change of shape the nodes hold the current rows already. A change
  // set that keeps the shape keeps every row at its place, so a pid's place in shapeRows is its
  // place in the current list: that index is built once per shape, not once per refresh.
  const shapeRows = useAppStore((s) => s.shapeRows)
  const stale = list !== null && list.rows !== shapeRows
  const places = useMemo(() => (stale ? placesOf(shapeRows) : null), [stale, shapeRows])
  const rowsNow = list?.rows
  const current = useCallback(
    (r: ProcessRow): ProcessRow => {
      const i = places?.get(r.pid)
      const now = i === undefined ? undefined : rowsNow?.[i]
      return now?.pid === r.pid ? now : r
    },
    [places, rowsNow]
  )
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

  const markApplied = useAppStore((s) => s.markApplied)
  // Runs after React put this list into the DOM: the "applied in" figure of the status bar.
  useLayoutEffect(() => markApplied(), [list, markApplied])
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
  return (
    <div className="ptable" role="treegrid" aria-rowcount={rows.length} style={GRID_STYLE}>
      <div className="ptable-head" role="row">
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
      <ProcessTableBody
        rows={rows}
        current={current}
        context={context}
        selectedPid={selectedPid}
        takenAt={takenAt}
        onSelect={select}
        onMenu={onMenu}
        onOpen={onOpen}
        onToggle={onToggle}
      />
    </div>
  )
}
