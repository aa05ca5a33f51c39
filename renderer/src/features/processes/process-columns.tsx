/**
 * Column definitions of the process table, one concern per cell renderer.
 */
import {
  createColumnHelper,
  createExpandedRowModel,
  createSortedRowModel,
  rowExpandingFeature,
  rowSortingFeature,
  sortFn_alphanumeric,
  sortFn_basic,
  tableFeatures
} from '@tanstack/react-table'

import { formatBytes, formatLocal, formatRelative, stateName } from '../../lib/format'
import type { ProcessNode } from '../../lib/tree'
import { VerdictBadge } from './verdict-badge'

/** Only the features the table uses (v9 registers them explicitly). */
export const processFeatures = tableFeatures({
  rowExpandingFeature,
  rowSortingFeature,
  expandedRowModel: createExpandedRowModel(),
  sortedRowModel: createSortedRowModel(),
  sortFns: { alphanumeric: sortFn_alphanumeric, basic: sortFn_basic }
})

const col = createColumnHelper<typeof processFeatures, ProcessNode>()
const VERDICT_ORDER = { freezable: 0, 'needs-options': 1, blocked: 2 }

/** Widths in px (the name column takes the rest); also used for the CSS grid template. */
export const COLUMN_WIDTHS: Record<string, number> = {
  pid: 72,
  user: 90,
  state: 86,
  started: 160,
  memory: 84,
  threads: 70,
  resources: 140,
  verdict: 132
}

export const processColumns = col.columns([
  col.accessor((n) => n.row.name, {
    id: 'name',
    header: 'Name',
    sortFn: 'alphanumeric',
    cell: (info) => {
      const row = info.row
      const n = row.original
      return (
        <span className="name-cell" style={{ paddingLeft: `${row.depth * 14}px` }}>
          {row.getCanExpand() ? (
            <button
              type="button"
              className="expander"
              aria-label={row.getIsExpanded() ? 'Collapse' : 'Expand'}
              tabIndex={-1}
              onClick={(e) => {
                e.stopPropagation()
                row.getToggleExpandedHandler()()
              }}
            >
              {row.getIsExpanded() ? '▾' : '▸'}
            </button>
          ) : (
            <span className="expander-space" />
          )}
          <span className="proc-name">{n.row.name}</span>
          <span className="proc-cmd">{n.row.command}</span>
        </span>
      )
    }
  }),
  col.accessor((n) => n.row.pid, { id: 'pid', header: 'PID', sortFn: 'basic' }),
  col.accessor((n) => n.row.user, { id: 'user', header: 'User', sortFn: 'alphanumeric' }),
  col.accessor((n) => n.row.state, {
    id: 'state',
    header: 'State',
    sortFn: 'alphanumeric',
    cell: (info) => <span title={info.getValue()}>{stateName(info.getValue())}</span>
  }),
  col.accessor((n) => n.row.startTicks, {
    id: 'started',
    header: 'Started',
    sortFn: 'basic',
    cell: (info) => {
      const iso = info.row.original.row.startTime
      return (
        <span title={iso}>
          {formatLocal(iso)} <span className="muted">· {formatRelative(iso)}</span>
        </span>
      )
    }
  }),
  col.accessor((n) => n.row.rssBytes, {
    id: 'memory',
    header: 'Memory',
    sortFn: 'basic',
    cell: (info) => formatBytes(info.getValue())
  }),
  col.accessor((n) => n.row.threads, { id: 'threads', header: 'Threads', sortFn: 'basic' }),
  col.accessor(
    (n) => n.row.counts.pipes + n.row.counts.sockets + n.row.counts.locks + n.row.counts.devices,
    {
      id: 'resources',
      header: 'Resources',
      sortFn: 'basic',
      cell: (info) => {
        const c = info.row.original.row.counts
        return (
          <span
            className="resources"
            title={`${c.files} files, ${c.pipes} pipes, ${c.sockets} sockets, ${c.locks} locks, ${c.devices} devices`}
          >
            {c.pipes > 0 && <span className="res">{c.pipes} pipe</span>}
            {c.sockets > 0 && <span className="res">{c.sockets} sock</span>}
            {c.locks > 0 && <span className="res">{c.locks} lock</span>}
            {c.devices > 0 && <span className="res res-dev">{c.devices} dev</span>}
          </span>
        )
      }
    }
  ),
  col.accessor((n) => VERDICT_ORDER[n.row.verdict], {
    id: 'verdict',
    header: 'Freezability',
    sortFn: 'basic',
    cell: (info) => (
      <VerdictBadge
        verdict={info.row.original.row.verdict}
        reasons={info.row.original.row.reasons}
      />
    )
  })
])

/** The CSS grid template for header and rows. */
export const GRID_TEMPLATE = `minmax(220px, 1fr) ${Object.values(COLUMN_WIDTHS)
  .map((w) => `${w}px`)
  .join(' ')}`
