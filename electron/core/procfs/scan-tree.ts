/**
 * The scan a freeze needs: every detail of the tree CRIU would take (the process and its
 * descendants), and of every other process only what the analysis of that tree reads of it:
 * parent, name and start time from its stat (the tree itself, names of peers, tracers and pidfd
 * targets) and the pipes and sockets among its fd links (the tree's external peers), with its
 * network namespace when it holds sockets (the name of a unix peer). The findings are those of a
 * full scan; the rest of a full scan (status, cmdline, exe, cwd, maps, the stat and fdinfo of
 * every open file) is most of its cost on a machine with many processes.
 *
 * Two things of the other processes can only be found from the full details: who else holds a
 * named FIFO (its inode comes from a stat of each path) and who else locks a file (fdinfo and
 * the stat of each path). When the tree holds either, the caller runs the full scan.
 */
import type { NamespaceKind, NamespaceRef, ProcessInfo, ScanResult } from '../../common/model'
import { readFds } from './fds'
import { IoFailure, listDir, mainRawIo, readLink, readText } from './io'
import { attributeLocks, joinPeers, type Joinable } from './join'
import { loadNetTables } from './net-tables'
import { parseLocks } from './parse-locks'
import type { NetSocket } from './parse-net'
import { isKernelThread, parseStat, type StatFields } from './parse-stat'
import { rawReadLink } from './raw'
import { listPids } from './pids'
import { newReadContext } from './read-context'
import {
  fromStat,
  namespaceInode,
  NAMESPACE_KINDS,
  readProcess,
  type ReadContext,
  type ReadProcess
} from './read-process'
import type { ScanOptions } from './scan'
import { startSs } from './ss'

/** Marks a process read only for the tree's sake (ProcessInfo.unreadable). */
export const OUTSIDE_TREE = 'outside the frozen tree: only stat and the pipe and socket fds read'

interface Light {
  stat: StatFields
  /** Pipe and socket fds: the number and the inode. */
  pipes: Array<[fd: string, inode: number]>
  sockets: Array<[fd: string, inode: number]>
}

/** "pipe:[123]" from `at` → 123 (the caller checked the prefix). */
function linkInode(link: string, at: number): number {
  return Number(link.slice(at + 1, -1))
}

/** stat and the pipe and socket fds of /proc/PID; null when it is gone. */
function readLight(procRoot: string, pid: number): Light | null {
  const base = `${procRoot}/${pid}`
  const text = readText(`${base}/stat`, true)
  if (text instanceof IoFailure) return null
  const stat = parseStat(text)
  if (!stat) return null
  const light: Light = { stat, pipes: [], sockets: [] }
  // Kernel threads have no fds.
  if (isKernelThread(stat)) return light
  const names = listDir(`${base}/fd`)
  if (names instanceof IoFailure) return light
  const io = mainRawIo()
  for (const name of names) {
    const link = rawReadLink(io, `${base}/fd/${name}`)
    if (typeof link !== 'string') continue
    if (link.startsWith('pipe:[')) light.pipes.push([name, linkInode(link, 5)])
    else if (link.startsWith('socket:[')) light.sockets.push([name, linkInode(link, 7)])
  }
  return light
}

/** The inodes of the tree's pipes and sockets, and of the other ends of its unix sockets. */
interface Relevant {
  pipes: Set<number>
  sockets: Set<number>
}

/**
 * The ProcessInfo of a process outside the tree: its stat, and those of its pipes and sockets the
 * tree also holds (or is connected to); the rest is left empty.
 */
function lightProcess(pid: number, l: Light, relevant: Relevant, ctx: ReadContext): ReadProcess {
  const { stat: st } = l
  const fdNames: string[] = []
  const fdLinks: string[] = []
  for (const [fd, inode] of l.pipes) {
    if (!relevant.pipes.has(inode)) continue
    fdNames.push(fd)
    fdLinks.push(`pipe:[${inode}]`)
  }
  let sockets = false
  for (const [fd, inode] of l.sockets) {
    if (!relevant.sockets.has(inode)) continue
    sockets = true
    fdNames.push(fd)
    fdLinks.push(`socket:[${inode}]`)
  }
  const fdScan = readFds({
    fdNames,
    fdLinks,
    fdStats: fdNames.map(() => null),
    fdInfos: fdNames.map(() => null)
  })
  const namespaces = {} as Record<NamespaceKind, NamespaceRef>
  for (const kind of NAMESPACE_KINDS) namespaces[kind] = { inode: null, same: false }
  if (sockets) {
    // Which /proc/net tables name its end of the socket.
    const link = readLink(`${ctx.procRoot}/${pid}/ns/net`)
    const net = typeof link === 'string' ? namespaceInode(link) : null
    namespaces.net = { inode: net, same: net !== null && net === ctx.selfNs.net }
  }
  const info: ProcessInfo = {
    ...fromStat(pid, st, ctx),
    name: st.comm,
    cmdline: [],
    exe: null,
    exeDeleted: false,
    cwd: null,
    uid: -1,
    gid: -1,
    uids: null,
    gids: null,
    user: '?',
    threads: st.threads,
    kernelThread: isKernelThread(st),
    tracerPid: 0,
    capPrm: null,
    capEff: null,
    namespaces,
    nspid: [pid],
    fds: fdScan.fds.sort((a, b) => a.fd - b.fd),
    locks: [],
    maps: null,
    unreadable: [OUTSIDE_TREE]
  }
  return { info, fdScan }
}

/** The root and its descendants by ppid, as the analysis collects them. */
function treeOf(root: number, lights: Map<number, Light>): number[] {
  const children = new Map<number, number[]>()
  for (const [pid, l] of lights) {
    if (l.stat.ppid === pid) continue
    const list = children.get(l.stat.ppid)
    if (list) list.push(pid)
    else children.set(l.stat.ppid, [pid])
  }
  if (!lights.has(root)) return []
  const tree = [root]
  const seen = new Set(tree)
  for (let i = 0; i < tree.length; i++) {
    for (const child of children.get(tree[i]!) ?? []) {
      if (seen.has(child)) continue
      seen.add(child)
      tree.push(child)
    }
  }
  return tree
}

/** What only a full scan can answer for this tree (see the module comment). */
function needsFullScan(tree: readonly Joinable[]): boolean {
  return tree.some(
    ({ info }) =>
      info.locks.length > 0 || info.fds.some((fd) => fd.kind === 'pipe' && fd.variant === 'fifo')
  )
}

/** Where the socket rows of a process are, and whether `ss` sees them (as in scan()). */
function withNet(
  read: ReadProcess,
  selfNet: Map<number, NetSocket>,
  otherNets: Map<number, Map<number, NetSocket>>,
  ctx: ReadContext
): Joinable {
  const netNs = read.info.namespaces.net.inode
  const inSelfNet = netNs === null || netNs === ctx.selfNs.net
  let net = selfNet
  if (!inSelfNet && read.fdScan.sockets.length > 0) {
    net = otherNets.get(netNs) ?? loadNetTables(`${ctx.procRoot}/${read.info.pid}/net`)
    otherNets.set(netNs, net)
  }
  return { ...read, net, ssSeesNamespace: inSelfNet }
}

/**
 * Scans for the freeze of `rootPid` (see the module comment); null when only a full scan can
 * tell (then run scan(): it is not imported here, so that a freeze that does not need it does
 * not load its worker thread machinery). An unknown root gives a scan without it, as scan().
 */
export function scanForTree(
  rootPid: number,
  opts: Pick<ScanOptions, 'procRoot' | 'ssPath' | 'maps'> = {}
): ScanResult | null {
  // Date, not performance: loading perf_hooks would cost a one-shot freeze more than it measures.
  const started = Date.now()
  const procRoot = opts.procRoot ?? '/proc'
  const takenAt = new Date().toISOString()
  // The tree with every detail (fdinfo of each file, each pipe's end), as scan() by default.
  const ctx = newReadContext(procRoot, { maps: opts.maps !== false, fileDetails: true, locked: {} })
  const lights = new Map<number, Light>()
  for (const pid of listPids(procRoot)) {
    const l = readLight(procRoot, pid)
    if (l) lights.set(pid, l)
  }
  const treePids = treeOf(rootPid, lights)
  // A tree of most of the machine is cheaper to read with the full scan (on two threads).
  if (treePids.length * 2 > lights.size) return null
  // ss only matters for the tree's unix sockets; it runs while the tree is read.
  const lightSockets = treePids.some((pid) => lights.get(pid)!.sockets.length > 0)
  const ssPath = opts.ssPath === undefined ? 'ss' : opts.ssPath
  const pendingSs = startSs(lightSockets ? ssPath : null)
  const reads: ReadProcess[] = []
  for (const pid of treePids) {
    const read = readProcess(pid, ctx)
    if (read) reads.push(read)
  }
  // Socket rows are needed only for the tree's sockets and their peers.
  const sockets = reads.some((r) => r.fdScan.sockets.length > 0)
  const selfNet = sockets ? loadNetTables(`${procRoot}/net`) : new Map<number, NetSocket>()
  const otherNets = new Map<number, Map<number, NetSocket>>()
  const tree = new Map<number, Joinable>()
  for (const read of reads) tree.set(read.info.pid, withNet(read, selfNet, otherNets, ctx))
  const locksText = readText(`${procRoot}/locks`)
  if (typeof locksText === 'string') attributeLocks([...tree.values()], parseLocks(locksText))
  if (needsFullScan([...tree.values()])) {
    pendingSs.finish()
    return null
  }
  const ss = pendingSs.finish()

  const relevant: Relevant = { pipes: new Set(), sockets: new Set() }
  for (const { fdScan } of tree.values()) {
    for (const p of fdScan.pipes) relevant.pipes.add(p.inode)
    for (const sock of fdScan.sockets) {
      relevant.sockets.add(sock.inode)
      const peer = ss?.get(sock.inode)?.peerInode
      if (peer !== undefined && peer !== null) relevant.sockets.add(peer)
    }
  }
  // A tree process gone before its full read is left out, as scan() leaves it out.
  const treeSet = new Set(treePids)
  const joinables: Joinable[] = []
  for (const [pid, l] of lights) {
    const inTree = tree.get(pid)
    if (inTree) joinables.push(inTree)
    else if (!treeSet.has(pid)) {
      joinables.push(withNet(lightProcess(pid, l, relevant, ctx), selfNet, otherNets, ctx))
    }
  }
  joinPeers(joinables, ss)
  return {
    takenAt,
    selfPid: process.pid,
    ssAvailable: ss !== null,
    processes: joinables.map((j) => j.info),
    durationMs: Date.now() - started
  }
}
