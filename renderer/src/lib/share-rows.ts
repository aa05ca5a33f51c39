/**
 * Structural sharing for process rows: a refreshed list reuses the previous row object of every
 * process that did not change, so memoised table rows (and their cached cell text) see the same
 * object and skip rendering.
 */
import type { ProcessRow } from '../../../electron/common/api-types'
import { sameRow } from '../../../electron/common/row-equality'

/** `next` with every unchanged row replaced by its previous object. */
export function shareRows(prev: readonly ProcessRow[], next: ProcessRow[]): ProcessRow[] {
  if (prev.length === 0) return next
  const before = new Map<number, ProcessRow>()
  for (const r of prev) before.set(r.pid, r)
  const out = new Array<ProcessRow>(next.length)
  for (let i = 0; i < next.length; i++) {
    const r = next[i]!
    const old = before.get(r.pid)
    out[i] = old && sameRow(old, r) ? old : r
  }
  return out
}
