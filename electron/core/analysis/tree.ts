/**
 * The process tree CRIU takes: a process and all its descendants, found through ppid.
 */
import type { ProcessInfo, ScanResult, SocketFd } from '../../common/model'
import { indexHolders, numberTrees, type InodeHolders, type TreeOrder } from './holders'

/** Indexes of a scan, built once and shared by every analysis of it. */
export interface ScanIndex {
  byPid: Map<number, ProcessInfo>
  childrenOf: Map<number, ProcessInfo[]>
  /** The processes holding a lock on each file, by lockKey ("dev:inode" of the file). */
  lockHolders: Map<string, InodeHolders>
  /** Depth-first numbering: a tree is the range [enter(root), exit(root)). */
  order: TreeOrder
  pipeHolders: Map<number, InodeHolders>
  socketHolders: Map<number, InodeHolders>
  /** Each socket by inode (the first fd seen), to name the other end of a unix socket. */
  socketByInode: Map<number, SocketFd>
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
  const socketByInode = new Map<number, SocketFd>()
  for (const p of scan.processes) {
    for (const fd of p.fds) {
      if (fd.kind === 'socket' && !socketByInode.has(fd.inode)) socketByInode.set(fd.inode, fd)
    }
  }
  const order = numberTrees(scan.processes, byPid, childrenOf)
  const holders = indexHolders(scan.processes, order)
  return {
    byPid,
    childrenOf,
    lockHolders: holders.locks,
    order,
    pipeHolders: holders.pipes,
    socketHolders: holders.sockets,
    socketByInode
  }
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
