/**
 * One virtual row of the process table, memoised on plain props: the row object is shared across
 * refreshes when the process did not change (lib/share-rows), so while scrolling or refreshing
 * only rows that enter the window or changed render. Cell text comes from row-text's cache.
 * Names and command lines are untrusted: rendered as text only.
 */
import { memo, type ReactNode } from 'react'

import type { ProcessRow } from '../../../../electron/common/api-types'
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
  // Few elements per row: text sits directly in its cell (titles on the cell), so a row entering
  // the window while scrolling creates, styles and lays out as little as possible.
  return (
    <div
      role="row"
      aria-selected={props.selected}
      aria-expanded={canExpand ? expanded : undefined}
      aria-level={props.depth + 1}
      data-pid={r.pid}
      className={`tr${props.selected ? ' selected' : ''}${props.context ? ' context' : ''}`}
      style={{ top: `${props.start}px` }}
      onClick={() => props.onSelect(r.pid)}
      onDoubleClick={() => r.verdict !== 'blocked' && props.onOpen(r.pid)}
      onContextMenu={(e) => {
        e.preventDefault()
        props.onMenu(r.pid, e.clientX, e.clientY)
      }}
    >
      <div
        role="gridcell"
        className={`td td-name${canExpand ? '' : ' leaf'}`}
        style={{ paddingLeft: `${6 + props.depth * 14}px` }}
      >
        {canExpand && (
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
        )}
        <span className="proc-name">{r.name}</span>
        <span className="proc-cmd">{r.command}</span>
      </div>
      <div role="gridcell" className="td td-pid">
        {r.pid}
      </div>
      <div role="gridcell" className="td td-user">
        {r.user}
      </div>
      <div role="gridcell" className="td td-state" title={r.state}>
        {t.state}
      </div>
      <div role="gridcell" className="td td-started" title={r.startTime}>
        {t.startedLocal} <span className="muted">· {t.startedRelative}</span>
      </div>
      <div role="gridcell" className="td td-memory">
        {t.memory}
      </div>
      <div role="gridcell" className="td td-threads">
        {r.threads}
      </div>
      <div role="gridcell" className="td td-resources" title={t.resourcesTitle}>
        {t.resources}
        {t.devices && <span className="res-dev">{t.devices}</span>}
      </div>
      <div role="gridcell" className="td td-verdict">
        <VerdictBadge verdict={r.verdict} reasons={r.reasons} />
      </div>
    </div>
  )
}

export const ProcessRowView = memo(ProcessRowInner)
