/**
 * The first rows of the process tree as the table shows them unsorted (depth first, children in
 * list order), so a client can paint its first screen from a small answer while the whole list
 * is still on its way. A prefix of a depth-first walk holds every ancestor of its rows.
 */
import type { ProcessRow } from '../common/api-types'

/** The first `n` rows of `rows` in tree order. */
export function treePrefix(rows: readonly ProcessRow[], n: number): ProcessRow[] {
  if (rows.length <= n) return [...rows]
  const byPid = new Map<number, ProcessRow>()
  for (const r of rows) byPid.set(r.pid, r)
  const children = new Map<number, ProcessRow[]>()
  const roots: ProcessRow[] = []
  for (const r of rows) {
    const parent = r.ppid !== r.pid ? byPid.get(r.ppid) : undefined
    if (!parent) roots.push(r)
    else {
      const list = children.get(parent.pid)
      if (list) list.push(r)
      else children.set(parent.pid, [r])
    }
  }
  const out: ProcessRow[] = []
  const stack = [...roots].reverse()
  while (stack.length > 0 && out.length < n) {
    const r = stack.pop()!
    out.push(r)
    const kids = children.get(r.pid)
    if (kids) for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!)
  }
  return out
}
