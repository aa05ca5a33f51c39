/**
 * The change set between two process lists, so a live view receives only what changed.
 */
import type { ProcessesChanged, ProcessList, ProcessRow } from '../common/api-types'
import { sameRow } from '../common/row-equality'

/** Rows added or changed (by pid), and pids that are gone. */
export function diffRows(
  prev: readonly ProcessRow[],
  next: readonly ProcessRow[],
  takenAt: string
): ProcessesChanged {
  const before = new Map<number, ProcessRow>()
  for (const r of prev) before.set(r.pid, r)
  const upserted: ProcessRow[] = []
  for (const r of next) {
    const old = before.get(r.pid)
    if (!old || !sameRow(old, r)) upserted.push(r)
    before.delete(r.pid)
  }
  return { takenAt, upserted, removed: [...before.keys()] }
}

/** The changes from the list a client holds to `next`, stamped so the client can check its base. */
export function diffLists(prev: ProcessList, next: ProcessList): ProcessesChanged {
  return {
    ...diffRows(prev.rows, next.rows, next.takenAt),
    since: prev.takenAt,
    durationMs: next.durationMs
  }
}

/** True when a change set carries nothing. */
export function isEmptyChange(c: ProcessesChanged): boolean {
  return c.upserted.length === 0 && c.removed.length === 0
}
