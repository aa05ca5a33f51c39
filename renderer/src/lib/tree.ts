/**
 * Pure helpers for the process tree: build the forest from flat rows, filter it while keeping
 * the parents of matches, and work out which rows are visible.
 */
import type { ProcessRow } from '../../../electron/common/api-types'

/** A process with its children, the shape TanStack Table's getSubRows walks. */
export interface ProcessNode {
  id: string
  row: ProcessRow
  children: ProcessNode[]
}

/** Stable row id: pid plus start time, so a reused pid is a new row. */
export function rowId(r: Pick<ProcessRow, 'pid' | 'startTicks'>): string {
  return `${r.pid}:${r.startTicks}`
}

/** Builds the forest; a row whose parent is missing (or itself) becomes a root. */
export function buildForest(rows: readonly ProcessRow[]): ProcessNode[] {
  const nodes = new Map<number, ProcessNode>()
  for (const r of rows) nodes.set(r.pid, { id: rowId(r), row: r, children: [] })
  const roots: ProcessNode[] = []
  for (const n of nodes.values()) {
    const parent = n.row.ppid !== n.row.pid ? nodes.get(n.row.ppid) : undefined
    if (parent) parent.children.push(n)
    else roots.push(n)
  }
  return roots
}

export interface RowFilter {
  search: string
  mineOnly: boolean
  freezableOnly: boolean
  hideKernel: boolean
  uid: number
}

function matchesSearch(r: ProcessRow, needle: string): boolean {
  if (!needle) return true
  if (String(r.pid) === needle) return true
  return (
    r.name.toLowerCase().includes(needle) ||
    r.command.toLowerCase().includes(needle) ||
    r.user.toLowerCase().includes(needle)
  )
}

/**
 * Keeps the rows matching every filter, plus the ancestors of each match (so a match is shown
 * where it sits in the tree). Ancestors that do not match themselves are marked as context.
 */
export function filterRows(
  rows: readonly ProcessRow[],
  f: RowFilter
): { rows: ProcessRow[]; context: Set<number> } {
  const needle = f.search.trim().toLowerCase()
  const active = needle !== '' || f.mineOnly || f.freezableOnly || f.hideKernel
  if (!active) return { rows: rows as ProcessRow[], context: new Set() }
  const byPid = new Map(rows.map((r) => [r.pid, r]))
  const keep = new Set<number>()
  const context = new Set<number>()
  for (const r of rows) {
    if (f.hideKernel && r.kernelThread) continue
    if (f.mineOnly && r.uid !== f.uid) continue
    if (f.freezableOnly && r.verdict === 'blocked') continue
    if (!matchesSearch(r, needle)) continue
    keep.add(r.pid)
  }
  for (const pid of [...keep]) {
    let p = byPid.get(pid)
    while (p && p.ppid !== p.pid) {
      const parent = byPid.get(p.ppid)
      if (!parent || keep.has(parent.pid)) break
      keep.add(parent.pid)
      context.add(parent.pid)
      p = parent
    }
  }
  return { rows: rows.filter((r) => keep.has(r.pid)), context }
}

/** Expanded state for TanStack: every parent expanded except the ones the user collapsed. */
export function expandedState(
  forest: readonly ProcessNode[],
  collapsed: Readonly<Record<string, boolean>>
): Record<string, boolean> {
  const out: Record<string, boolean> = {}
  const walk = (nodes: readonly ProcessNode[]): void => {
    for (const n of nodes) {
      if (n.children.length === 0) continue
      if (!collapsed[n.id]) out[n.id] = true
      walk(n.children)
    }
  }
  walk(forest)
  return out
}
