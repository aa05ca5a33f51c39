/**
 * The change set between two process lists, so a live view receives only what changed.
 */
import type { ProcessesChanged, ProcessRow } from '../common/api-types'

function sameRow(a: ProcessRow, b: ProcessRow): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

/** Rows added or changed (by pid), and pids that are gone. */
export function diffRows(
  prev: readonly ProcessRow[],
  next: readonly ProcessRow[],
  takenAt: string
): ProcessesChanged {
  const before = new Map(prev.map((r) => [r.pid, r]))
  const upserted: ProcessRow[] = []
  for (const r of next) {
    const old = before.get(r.pid)
    if (!old || !sameRow(old, r)) upserted.push(r)
    before.delete(r.pid)
  }
  return { takenAt, upserted, removed: [...before.keys()] }
}
