/**
 * The change set between two process lists, so a live view receives only what changed (the
 * row-level diff is common/row-delta's, which the renderer applies).
 */
import type { ProcessesChanged, ProcessList } from '../common/api-types'
import { diffRows } from '../common/row-delta'

/** The changes from the list a client holds to `next`, stamped so the client can check its base. */
export function diffLists(prev: ProcessList, next: ProcessList): ProcessesChanged {
  return {
    takenAt: next.takenAt,
    since: prev.takenAt,
    ...(prev.seq !== undefined ? { sinceSeq: prev.seq } : {}),
    ...(next.seq !== undefined ? { seq: next.seq } : {}),
    durationMs: next.durationMs,
    ...diffRows(prev.rows, next.rows)
  }
}

/** True when a change set carries nothing. */
export function isEmptyChange(c: ProcessesChanged): boolean {
  return c.upserted.length === 0 && c.patched.length === 0 && c.removed.length === 0
}
