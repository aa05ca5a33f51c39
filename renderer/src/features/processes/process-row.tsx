/**
 * One virtual row of the process table, memoised on plain props: the row object is shared across
 * refreshes when the process did not change (lib/share-rows), so while scrolling or refreshing
 * only rows that enter the window or changed render. Cell text comes from row-text's cache.
 * Names and command lines are untrusted: rendered as text only.
 */
import { memo, type ReactNode } from 'react'

import type { ProcessRow } from '../../../../electron/common/api-types'
import { GRID_TEMPLATE } from './process-columns'
import { rowText } from './row-text'
import { VerdictBadge } from './verdict-badge'

export interface ProcessRowProps {
  row: ProcessRow
  id: string
  depth: number
  canExpand: boolean
  expanded: boolean
  /** Top of the row in the scrolled body, px. */
  start: number
  height: number
  selected: boolean
  /** Shown only because a descendant matches the search. */
  context: boolean
  /** The list's time: "now" for the relative start time. */
  takenAt: string
  onSelect: (pid: number) => void
  onMenu: (pid: number, x: number, y: number) => void
  onOpen: (pid: number) => void
  onToggle: (id: string, collapse: boolean) => void
}

function ProcessRowInner(props: ProcessRowProps): ReactNode {
  const { row: r, canExpand, expanded } = props
  const t = rowText(r, props.takenAt)
  const c = r.counts
  return (
    <div
      role="row"
      aria-selected={props.selected}
      aria-expanded={canExpand ? expanded : undefined}
      aria-level={props.depth + 1}
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
      <div role="gridcell" className="td td-name">
        <span className="name-cell" style={{ paddingLeft: `${props.depth * 14}px` }}>
          {canExpand ? (
            <button
              type="button"
              className="expander"
              aria-label={expanded ? 'Collapse' : 'Expand'}
              tabIndex={-1}
              onClick={(e) => {
                e.stopPropagation()
                props.onToggle(props.id, expanded)
              }}
            >
              {expanded ? '▾' : '▸'}
            </button>
          ) : (
            <span className="expander-space" />
          )}
          <span className="proc-name">{r.name}</span>
          <span className="proc-cmd">{r.command}</span>
        </span>
      </div>
      <div role="gridcell" className="td td-pid">
        {r.pid}
      </div>
      <div role="gridcell" className="td td-user">
        {r.user}
      </div>
      <div role="gridcell" className="td td-state">
        <span title={r.state}>{t.state}</span>
      </div>
      <div role="gridcell" className="td td-started">
        <span title={r.startTime}>
          {t.startedLocal} <span className="muted">· {t.startedRelative}</span>
        </span>
      </div>
      <div role="gridcell" className="td td-memory">
        {t.memory}
      </div>
      <div role="gridcell" className="td td-threads">
        {r.threads}
      </div>
      <div role="gridcell" className="td td-resources">
        <span className="resources" title={t.resourcesTitle}>
          {c.pipes > 0 && <span className="res">{c.pipes} pipe</span>}
          {c.sockets > 0 && <span className="res">{c.sockets} sock</span>}
          {c.locks > 0 && <span className="res">{c.locks} lock</span>}
          {c.devices > 0 && <span className="res res-dev">{c.devices} dev</span>}
        </span>
      </div>
      <div role="gridcell" className="td td-verdict">
        <VerdictBadge verdict={r.verdict} reasons={r.reasons} />
      </div>
    </div>
  )
}

export const ProcessRowView = memo(ProcessRowInner)
