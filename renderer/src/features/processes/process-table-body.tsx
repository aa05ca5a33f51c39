/**
 * The virtualized body of the process table, with fixed row heights (nothing is measured) and
 * the keyboard navigation. Its own component so that scrolling, which re-renders whoever holds
 * the virtualizer, re-renders only this window of memoised rows, not the header, the column
 * model or the store subscriptions of the table around it.
 */
import { useVirtualizer } from '@tanstack/react-virtual'
import { memo, useMemo, useRef, type KeyboardEvent, type ReactNode } from 'react'

import type { ProcessRow } from '../../../../electron/common/api-types'
import type { FlatRow } from '../../lib/tree'
import { ProcessRowView } from './process-row'

/** Must match `.tr`'s height in app.css. */
const ROW_HEIGHT = 28
/** Rows rendered beyond each edge of the window: enough for a fast wheel flick per frame. */
const OVERSCAN = 8
/** Rows that PageUp/PageDown move. */
const PAGE = 20

export interface ProcessTableBodyProps {
  rows: FlatRow[]
  /** A process's current row from its node's row (which is from the tree's last shape). */
  current: (row: ProcessRow) => ProcessRow
  /** Pids shown only because a descendant matches the search. */
  context: Set<number>
  selectedPid: number | null
  /** The list's time: "now" for relative start times. */
  takenAt: string
  onSelect: (pid: number) => void
  onMenu: (pid: number, x: number, y: number) => void
  onOpen: (pid: number) => void
  onToggle: (id: string, collapse: boolean) => void
}

function ProcessTableBodyInner(props: ProcessTableBodyProps): ReactNode {
  const { rows, current, context, selectedPid, takenAt, onSelect, onMenu, onOpen, onToggle } = props
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
      onSelect(r.node.row.pid)
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
        move(selectedIndex + PAGE)
        break
      case 'PageUp':
        move(selectedIndex - PAGE)
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
        if (cur && cur.node.row.verdict !== 'blocked') onOpen(cur.node.row.pid)
        break
      default:
        return
    }
    e.preventDefault()
  }

  return (
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
              row={current(node.row)}
              depth={flat.depth}
              canExpand={node.children.length > 0}
              expanded={flat.expanded}
              start={v.start}
              selected={pid === selectedPid}
              context={context.has(pid)}
              takenAt={takenAt}
              onSelect={onSelect}
              onMenu={onMenu}
              onOpen={onOpen}
              onToggle={onToggle}
            />
          )
        })}
      </div>
    </div>
  )
}

export const ProcessTableBody = memo(ProcessTableBodyInner)
