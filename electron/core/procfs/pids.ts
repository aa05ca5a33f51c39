/** The processes of a proc root: its numeric entries. */
import { IoFailure, listDir } from './io'

/** Numeric entries of the proc root, ascending. */
export function listPids(procRoot: string): number[] {
  const names = listDir(procRoot)
  if (names instanceof IoFailure) return []
  const pids: number[] = []
  for (const name of names) {
    const c = name.charCodeAt(0)
    if (c < 48 || c > 57) continue
    const n = Number(name)
    if (Number.isInteger(n) && n > 0) pids.push(n)
  }
  return pids.sort((a, b) => a - b)
}
