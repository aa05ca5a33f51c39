/**
 * The text of a table row, formatted once per row object and list time and then reused by every
 * render (scrolling re-renders rows as they enter the window; formatting dates there would cost
 * on every frame).
 */
import type { ProcessRow } from '../../../../electron/common/api-types'
import { formatBytes, formatLocal, formatRelative, stateName } from '../../lib/format'

export interface RowText {
  state: string
  startedLocal: string
  startedRelative: string
  memory: string
  resourcesTitle: string
}

const cache = new WeakMap<ProcessRow, { at: string; text: RowText }>()

/** The row's cell text; `takenAt` (the list's time) is "now" for the relative start time. */
export function rowText(r: ProcessRow, takenAt: string): RowText {
  const hit = cache.get(r)
  if (hit && hit.at === takenAt) return hit.text
  const now = Date.parse(takenAt)
  const at = Number.isFinite(now) ? now : Date.now()
  const c = r.counts
  const text: RowText = {
    state: stateName(r.state),
    startedLocal: formatLocal(r.startTime, at),
    startedRelative: formatRelative(r.startTime, at),
    memory: formatBytes(r.rssBytes),
    resourcesTitle: `${c.files} files, ${c.pipes} pipes, ${c.sockets} sockets, ${c.locks} locks, ${c.devices} devices`
  }
  cache.set(r, { at: takenAt, text })
  return text
}
