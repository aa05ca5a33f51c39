/**
 * Who holds a pipe or socket inode, arranged so that "which holders are outside this tree" costs
 * a binary search instead of a walk over every holder. A pipe inherited by thousands of
 * processes (a shared stdout) would otherwise make the analysis of every tree quadratic.
 *
 * The trick: number the processes in depth-first order. A tree is then one contiguous range of
 * numbers [enter(root), exit(root)), and the holders of an inode, sorted by their number, are
 * inside the tree exactly when they fall in that range.
 */
import type { FileLock, PeerRef, ProcessInfo } from '../../common/model'

/** Depth-first numbering of the process forest. */
export interface TreeOrder {
  enter: Map<number, number>
  exit: Map<number, number>
}

/** A tree as a range of depth-first numbers. */
export interface TreeRange {
  lo: number
  hi: number
}

/** Holders of one inode, sorted by depth-first number. */
export interface InodeHolders {
  order: number[]
  pids: number[]
}

/** Numbers the processes depth-first; every process gets a number, even in a broken forest. */
export function numberTrees(
  processes: readonly ProcessInfo[],
  byPid: ReadonlyMap<number, ProcessInfo>,
  childrenOf: ReadonlyMap<number, readonly ProcessInfo[]>
): TreeOrder {
  const enter = new Map<number, number>()
  const exit = new Map<number, number>()
  let clock = 0
  const visit = (start: ProcessInfo): void => {
    // Iterative: a deep chain of processes must not overflow the stack.
    const stack: Array<{ p: ProcessInfo; next: number }> = [{ p: start, next: 0 }]
    enter.set(start.pid, clock++)
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!
      const kids = childrenOf.get(top.p.pid) ?? []
      if (top.next < kids.length) {
        const child = kids[top.next++]!
        if (enter.has(child.pid)) continue
        enter.set(child.pid, clock++)
        stack.push({ p: child, next: 0 })
      } else {
        exit.set(top.p.pid, clock)
        stack.pop()
      }
    }
  }
  for (const p of processes) {
    const parentKnown = p.ppid !== p.pid && byPid.has(p.ppid)
    if (!parentKnown && !enter.has(p.pid)) visit(p)
  }
  // Whatever a ppid loop left unnumbered (a scan is not atomic).
  for (const p of processes) if (!enter.has(p.pid)) visit(p)
  return { enter, exit }
}

/** The key of a locked file in the lock holders index. */
export function lockKey(lock: Pick<FileLock, 'dev' | 'inode'>): string {
  return `${lock.dev}:${lock.inode}`
}

/**
 * Indexes the holders of every pipe (and FIFO) inode, every socket inode and every locked file
 * (by `lockKey`: thousands of processes may share one locked open file description, e.g.
 * everything started under flock(1)). Processes are visited in depth-first order, so each list
 * comes out sorted without a sort.
 */
export function indexHolders(
  processes: readonly ProcessInfo[],
  order: TreeOrder
): {
  pipes: Map<number, InodeHolders>
  sockets: Map<number, InodeHolders>
  locks: Map<string, InodeHolders>
} {
  const pipes = new Map<number, InodeHolders>()
  const sockets = new Map<number, InodeHolders>()
  const locks = new Map<string, InodeHolders>()
  const add = <K>(map: Map<K, InodeHolders>, inode: K, pid: number, at: number): void => {
    const h = map.get(inode)
    if (!h) map.set(inode, { order: [at], pids: [pid] })
    else if (h.pids[h.pids.length - 1] !== pid) {
      h.order.push(at)
      h.pids.push(pid)
    }
  }
  const byOrder = new Array<ProcessInfo>(processes.length)
  for (const p of processes) byOrder[order.enter.get(p.pid)!] = p
  for (let at = 0; at < byOrder.length; at++) {
    const p = byOrder[at]
    if (!p) continue
    for (const fd of p.fds) {
      if (fd.kind === 'pipe') add(pipes, fd.inode, p.pid, at)
      else if (fd.kind === 'socket') add(sockets, fd.inode, p.pid, at)
    }
    for (const l of p.locks) add(locks, lockKey(l), p.pid, at)
  }
  return { pipes, sockets, locks }
}

function lowerBound(sorted: number[], value: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (sorted[mid]! < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** How many holders are inside and outside the tree, and the pids of the first few outside. */
export function splitHolders(
  h: InodeHolders | undefined,
  range: TreeRange,
  limit: number
): { inside: number; outside: number; firstOutside: number[] } {
  if (!h) return { inside: 0, outside: 0, firstOutside: [] }
  const a = lowerBound(h.order, range.lo)
  const b = lowerBound(h.order, range.hi)
  const firstOutside: number[] = []
  for (let i = 0; i < a && firstOutside.length < limit; i++) firstOutside.push(h.pids[i]!)
  for (let i = b; i < h.pids.length && firstOutside.length < limit; i++) {
    firstOutside.push(h.pids[i]!)
  }
  return { inside: b - a, outside: h.pids.length - (b - a), firstOutside }
}

/** A PeerRef for a process holding `inode` (the fd found among its pipes or sockets). */
export function peerRefFor(
  pid: number,
  inode: number,
  kind: 'pipe' | 'socket',
  byPid: ReadonlyMap<number, ProcessInfo>
): PeerRef {
  const p = byPid.get(pid)
  const fd = p?.fds.find((f) => f.kind === kind && f.inode === inode)
  return { pid, name: p?.name ?? '?', fd: fd?.fd ?? null }
}
