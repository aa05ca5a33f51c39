/**
 * One virtual row of the process table, memoised: while scrolling only the rows that enter the
 * window render; the others keep their DOM.
 */
import type { ReactTable, Row } from '@tanstack/react-table'
import { memo, type ReactNode } from 'react'

import type { ProcessNode } from '../../lib/tree'
import { GRID_TEMPLATE, type processFeatures } from './process-columns'

type Features = typeof processFeatures

export interface ProcessRowProps {
  row: Row<Features, ProcessNode>
  table: ReactTable<Features, ProcessNode, Record<string, never>>
  start: number
  height: number
  selected: boolean
  /** Shown only because a descendant matches the search. */
  context: boolean
  /** Passed so a memoised row re-renders when only its expansion changes. */
  expanded: boolean
  onSelect: (pid: number) => void
  onMenu: (pid: number, x: number, y: number) => void
  onOpen: (pid: number) => void
}

function ProcessRowInner(props: ProcessRowProps): ReactNode {
  const { row, table } = props
  const r = row.original.row
  return (
    <div
      role="row"
      aria-selected={props.selected}
      aria-expanded={row.getCanExpand() ? props.expanded : undefined}
      aria-level={row.depth + 1}
      data-pid={r.pid}
      className={`tr${props.selected ? ' selected' : ''}${props.context ? ' context' : ''}`}
      style={{
        gridTemplateColumns: GRID_TEMPLATE,
        transform: `translateY(${props.start}px)`,
        height: `${props.height}px`
      }}
      onClick={() => props.onSelect(r.pid)}
      onDoubleClick={() => r.verdict !== 'blocked' && props.onOpen(r.pid)}
      onContextMenu={(e) => {
        e.preventDefault()
        props.onMenu(r.pid, e.clientX, e.clientY)
      }}
    >
      {row.getAllCells().map((cell) => (
        <div key={cell.id} role="gridcell" className={`td td-${cell.column.id}`}>
          <table.FlexRender cell={cell} />
        </div>
      ))}
    </div>
  )
}

export const ProcessRowView = memo(ProcessRowInner)
