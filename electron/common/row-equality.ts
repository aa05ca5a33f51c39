/**
 * Equality of two process rows: the renderer uses it to keep unchanged row objects across
 * refreshes (the core's change sets use row-delta's diff of the same fields). No allocation
 * (JSON comparison of 5 000 rows cost ~20 ms per scan).
 */
import type { ProcessRow } from './api-types'
import { sameFields } from './row-delta'

/** True when nothing the UI shows differs between `a` and `b`. */
export function sameRow(a: ProcessRow, b: ProcessRow): boolean {
  return a.pid === b.pid && a.startTicks === b.startTicks && sameFields(a, b)
}
