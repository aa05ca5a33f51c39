/**
 * Pure helpers for the process tree: build the forest from flat rows, filter it while keeping
 * the parents of matches, and flatten it into the visible rows (expansion and sorting within
 * each level) in one pass. The table virtualizes that flat list; no per-row objects beyond it.
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

/** One visible line of the tree table. */
export interface FlatRow {
  node: ProcessNode
  depth: number
  /** Id of the parent row, null for roots. */
  parentId: string | null
  expanded: boolean
}

/** Orders siblings; return < 0 when a comes first. */
export type NodeCompare = (a: ProcessNode, b: ProcessNode) => number

/**
 * The rows a person sees, in order: a depth-first walk that enters a node's children only when
 * it is expanded (`open(id)`), with siblings ordered by `compare` when given (sorting within each
 * level keeps the tree shape). Iterative, so a deep chain cannot overflow the stack.
 */
export function flattenForest(
  forest: readonly ProcessNode[],
  open: (id: string) => boolean,
  compare?: NodeCompare
): FlatRow[] {
  const out: FlatRow[] = []
  const order = (ns: readonly ProcessNode[]): readonly ProcessNode[] =>
    compare && ns.length > 1 ? [...ns].sort(compare) : ns
  // Stack of [node, depth, parentId], pushed in reverse so the first sibling pops first.
  const stack: Array<[ProcessNode, number, string | null]> = []
  const pushAll = (ns: readonly ProcessNode[], depth: number, parentId: string | null): void => {
    const o = order(ns)
    for (let i = o.length - 1; i >= 0; i--) stack.push([o[i]!, depth, parentId])
  }
  pushAll(forest, 0, null)
  while (stack.length > 0) {
    const [node, depth, parentId] = stack.pop()!
    const expanded = node.children.length > 0 && open(node.id)
    out.push({ node, depth, parentId, expanded })
    if (expanded) pushAll(node.children, depth + 1, node.id)
  }
  return out
}
