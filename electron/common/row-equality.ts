/**
 * Field-by-field equality of two process rows: the core uses it to send only changed rows, the
 * renderer to keep unchanged row objects across refreshes. No allocation (JSON comparison of
 * 5 000 rows cost ~20 ms per scan).
 */
import type { ProcessRow } from './api-types'

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** True when nothing the UI shows differs between `a` and `b`. */
export function sameRow(a: ProcessRow, b: ProcessRow): boolean {
  return (
    a.pid === b.pid &&
    a.ppid === b.ppid &&
    a.startTicks === b.startTicks &&
    a.rssBytes === b.rssBytes &&
    a.threads === b.threads &&
    a.state === b.state &&
    a.verdict === b.verdict &&
    a.name === b.name &&
    a.command === b.command &&
    a.user === b.user &&
    a.uid === b.uid &&
    a.startTime === b.startTime &&
    a.kernelThread === b.kernelThread &&
    a.counts.files === b.counts.files &&
    a.counts.pipes === b.counts.pipes &&
    a.counts.sockets === b.counts.sockets &&
    a.counts.locks === b.counts.locks &&
    a.counts.devices === b.counts.devices &&
    sameStrings(a.findingIds, b.findingIds) &&
    sameStrings(a.reasons, b.reasons)
  )
}
