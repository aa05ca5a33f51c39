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
  /** Pipes, sockets and locks in one string ("2 pipe  1 sock"), empty when none. */
  resources: string
  /** "N dev", shown in the warning colour, or empty. */
  devices: string
}

/** Between resource counts: an en space keeps them apart where plain spaces would collapse. */
const GAP = '\u2002'

const cache = new WeakMap<ProcessRow, { at: string; text: RowText }>()

/** The row's cell text; `takenAt` (the list's time) is "now" for the relative start time. */
export function rowText(r: ProcessRow, takenAt: string): RowText {
  const hit = cache.get(r)
  if (hit && hit.at === takenAt) return hit.text
  const now = Date.parse(takenAt)
  const at = Number.isFinite(now) ? now : Date.now()
  const c = r.counts
  const resources = [
    c.pipes > 0 ? `${c.pipes} pipe` : '',
    c.sockets > 0 ? `${c.sockets} sock` : '',
    c.locks > 0 ? `${c.locks} lock` : ''
  ]
    .filter(Boolean)
    .join(GAP)
  const text: RowText = {
    state: stateName(r.state),
    startedLocal: formatLocal(r.startTime, at),
    startedRelative: formatRelative(r.startTime, at),
    memory: formatBytes(r.rssBytes),
    resourcesTitle: `${c.files} files, ${c.pipes} pipes, ${c.sockets} sockets, ${c.locks} locks, ${c.devices} devices`,
    resources,
    devices: c.devices > 0 ? `${resources ? GAP : ''}${c.devices} dev` : ''
  }
  cache.set(r, { at: takenAt, text })
  return text
}
