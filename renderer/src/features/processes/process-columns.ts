/**
 * The columns of the process table: header, width and sort key of each. TanStack Table holds
 * the column model and the sorting state (headers, toggling, aria-sort); the rows themselves
 * come from lib/tree's flattening, which sorts within each level of the tree in one pass
 * (TanStack's row models built 5 000 Row objects on every refresh: ~90 ms, see bench/ui).
 */
import {
  createColumnHelper,
  rowSortingFeature,
  sortFn_alphanumeric,
  sortFn_basic,
  tableFeatures
} from '@tanstack/react-table'

import type { ProcessRow } from '../../../../electron/common/api-types'
import type { NodeCompare, ProcessNode } from '../../lib/tree'
import type { SortState } from '../../store/processes-slice'

/** Only the features the table uses (v9 registers them explicitly). */
export const processFeatures = tableFeatures({
  rowSortingFeature,
  sortFns: { alphanumeric: sortFn_alphanumeric, basic: sortFn_basic }
})

const VERDICT_ORDER = { freezable: 0, 'needs-options': 1, blocked: 2 }

interface ColumnSpec {
  id: string
  header: string
  /** px; the name column (null) takes the rest. */
  width: number | null
  key: (r: ProcessRow) => number | string
  /** Numbers sort largest first (what people look for in a process list), text A→Z. */
  numeric: boolean
}

const SPECS: ColumnSpec[] = [
  { id: 'name', header: 'Name', width: null, key: (r) => r.name, numeric: false },
  { id: 'pid', header: 'PID', width: 72, key: (r) => r.pid, numeric: true },
  { id: 'user', header: 'User', width: 90, key: (r) => r.user, numeric: false },
  { id: 'state', header: 'State', width: 86, key: (r) => r.state, numeric: false },
  { id: 'started', header: 'Started', width: 160, key: (r) => r.startTicks, numeric: true },
  { id: 'memory', header: 'Memory', width: 84, key: (r) => r.rssBytes, numeric: true },
  { id: 'threads', header: 'Threads', width: 70, key: (r) => r.threads, numeric: true },
  {
    id: 'resources',
    header: 'Resources',
    width: 140,
    key: (r) => r.counts.pipes + r.counts.sockets + r.counts.locks + r.counts.devices,
    numeric: true
  },
  {
    id: 'verdict',
    header: 'Freezability',
    width: 132,
    key: (r) => VERDICT_ORDER[r.verdict],
    numeric: true
  }
]

const col = createColumnHelper<typeof processFeatures, ProcessNode>()

/** TanStack column definitions (header and sorting only). */
export const processColumns = col.columns(
  SPECS.map((s) =>
    col.accessor((n) => s.key(n.row), {
      id: s.id,
      header: s.header,
      sortDescFirst: s.numeric,
      sortFn: s.numeric ? 'basic' : 'alphanumeric'
    })
  )
)

/** The CSS grid template for header and rows. */
export const GRID_TEMPLATE = SPECS.map((s) =>
  s.width === null ? 'minmax(220px, 1fr)' : `${s.width}px`
).join(' ')

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })

/** A sibling comparator for the sorting state (pid breaks ties), or undefined for tree order. */
export function compareFor(sorting: readonly SortState[]): NodeCompare | undefined {
  const keys = sorting.flatMap((s) => {
    const spec = SPECS.find((c) => c.id === s.id)
    return spec ? [{ key: spec.key, sign: s.desc ? -1 : 1 }] : []
  })
  if (keys.length === 0) return undefined
  return (a, b) => {
    for (const { key, sign } of keys) {
      const x = key(a.row)
      const y = key(b.row)
      const d =
        typeof x === 'number' && typeof y === 'number'
          ? x - y
          : collator.compare(String(x), String(y))
      if (d !== 0) return d * sign
    }
    return a.row.pid - b.row.pid
  }
}
