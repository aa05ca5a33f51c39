/**
 * The process tree CRIU takes: a process and all its descendants, found through ppid.
 */
import type { ProcessInfo, ScanResult } from '../../common/model'

/** Indexes of a scan, built once and shared by every analysis of it. */
export interface ScanIndex {
  byPid: Map<number, ProcessInfo>
  childrenOf: Map<number, ProcessInfo[]>
}

/** Builds the pid and parent indexes of a scan in one pass. */
export function indexScan(scan: ScanResult): ScanIndex {
  const byPid = new Map<number, ProcessInfo>()
  const childrenOf = new Map<number, ProcessInfo[]>()
  for (const p of scan.processes) {
    byPid.set(p.pid, p)
    if (p.ppid === p.pid) continue
    const siblings = childrenOf.get(p.ppid)
    if (siblings) siblings.push(p)
    else childrenOf.set(p.ppid, [p])
  }
  return { byPid, childrenOf }
}

/** The root and its descendants, breadth first (the root comes first). */
export function collectTree(root: ProcessInfo, index: ScanIndex): ProcessInfo[] {
  const tree = [root]
  const seen = new Set([root.pid])
  for (let i = 0; i < tree.length; i++) {
    for (const child of index.childrenOf.get(tree[i]!.pid) ?? []) {
      // ppid loops cannot happen in a consistent /proc, but a scan is not atomic.
      if (seen.has(child.pid)) continue
      seen.add(child.pid)
      tree.push(child)
    }
  }
  return tree
}
