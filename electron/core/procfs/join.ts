/**
 * Joins what each process holds with what the others hold: pipes and FIFOs by inode, unix
 * sockets by `ss`'s peer inode, inet/netlink/packet sockets with their /proc/net rows, and
 * /proc/locks entries with the process and file they belong to.
 */
import type { FileLock, PeerRef, PipeFd, ProcessInfo, SocketFd } from '../../common/model'
import type { FdScan } from './fds'
import type { LockLine } from './parse-locks'
import type { NetSocket } from './parse-net'
import type { SsUnixEntry } from './parse-ss'

/**
 * At most this many peers are listed per fd; the rest are counted in `peersOmitted`. A pipe
 * inherited by thousands of processes (a jobserver, a shared log pipe) would otherwise cost a
 * quadratic number of PeerRefs, and gigabytes once serialised.
 */
export const MAX_PEERS = 32

/** One process's part in the join. */
export interface Joinable {
  info: ProcessInfo
  fdScan: FdScan
  /** Socket rows of the process's network namespace. */
  net: Map<number, NetSocket>
  /** Whether `ss` looked at this process's network namespace. */
  ssSeesNamespace: boolean
}

type Holders = Map<number | string, PeerRef[]>

function addHolder(map: Holders, key: number | string, peer: PeerRef): void {
  const list = map.get(key)
  if (!list) map.set(key, [peer])
  else if (list[list.length - 1]!.pid !== peer.pid) list.push(peer)
}

/** The holders other than `pid`, capped at MAX_PEERS; `omitted` counts the rest. */
function listPeers(
  list: PeerRef[] | undefined,
  pid: number | null
): { peers: PeerRef[]; omitted: number } {
  if (!list) return { peers: [], omitted: 0 }
  const peers: PeerRef[] = []
  let others = 0
  for (const p of list) {
    if (p.pid === pid) continue
    others++
    if (peers.length < MAX_PEERS) peers.push(p)
  }
  return { peers, omitted: others - peers.length }
}

function setPeers(fd: PipeFd | SocketFd, list: PeerRef[] | undefined, pid: number | null): void {
  const { peers, omitted } = listPeers(list, pid)
  fd.peers = peers
  if (omitted > 0) fd.peersOmitted = omitted
}

/** Fills pipe peers, socket rows and unix peers in place. */
export function joinPeers(procs: Joinable[], ss: Map<number, SsUnixEntry> | null): void {
  const pipeHolders: Holders = new Map()
  const fifoHolders: Holders = new Map()
  const socketHolders: Holders = new Map()
  for (const { info, fdScan } of procs) {
    for (const p of fdScan.pipes) addHolder(pipeHolders, p.inode, peer(info, p))
    for (const f of fdScan.fifos) addHolder(fifoHolders, f.key, peer(info, f.fd))
    for (const s of fdScan.sockets) addHolder(socketHolders, s.inode, peer(info, s))
  }
  for (const { info, fdScan, net, ssSeesNamespace } of procs) {
    for (const p of fdScan.pipes) setPeers(p, pipeHolders.get(p.inode), info.pid)
    for (const f of fdScan.fifos) setPeers(f.fd, fifoHolders.get(f.key), info.pid)
    for (const s of fdScan.sockets) {
      const row = net.get(s.inode)
      if (row) {
        s.proto = row.proto
        s.type = row.type
        s.state = row.state
        s.local = row.local
        s.remote = row.remote
      } else {
        info.unreadable.push(
          `fd ${s.fd}: socket ${s.inode} not in /proc/net (unbound or other family)`
        )
      }
      // Only a socket /proc/net/unix lists takes a peer from `ss`: a line forged through a socket
      // path (parse-ss.ts) must not turn another kind of socket into a connected unix one.
      if (s.proto !== 'unix') continue
      const entry = ss && ssSeesNamespace ? ss.get(s.inode) : undefined
      if (!entry) continue
      if (entry.disputed) {
        // Someone bound a socket at a path that forges `ss` lines: its peer stays unknown.
        info.unreadable.push(
          `fd ${s.fd}: socket ${s.inode} listed more than once by ss (a socket path with a line break); peer unknown`
        )
        continue
      }
      s.peerKnown = true
      s.peerInode = entry.peerInode
      if (entry.peerInode !== null) {
        // Every process holding the peer socket, this one included (a socketpair kept whole).
        setPeers(s, socketHolders.get(entry.peerInode), null)
      }
    }
  }
}

function peer(info: ProcessInfo, fd: PipeFd | SocketFd): PeerRef {
  return { pid: info.pid, name: info.name, fd: fd.fd }
}

function sameLock(a: FileLock, b: LockLine): boolean {
  return (
    a.kind === b.kind &&
    a.dev === b.dev &&
    a.inode === b.inode &&
    a.start === b.start &&
    a.end === b.end
  )
}

/**
 * Adds /proc/locks entries to the process whose pid they name, unless fdinfo already showed
 * them. OFD locks (pid -1) and blocked waiters are only attributed through fdinfo. A flock or
 * lease belongs to an open file description, and /proc/locks names the pid that took it, which
 * may since have closed its fd (a child holds it now): those count only when the named process
 * still has the file open.
 */
export function attributeLocks(procs: Joinable[], lines: LockLine[]): void {
  const byPid = new Map<number, Joinable>()
  for (const p of procs) byPid.set(p.info.pid, p)
  for (const line of lines) {
    if (line.blocked || line.pid <= 0) continue
    const proc = byPid.get(line.pid)
    if (!proc) continue
    if (proc.info.locks.some((l) => sameLock(l, line))) continue
    const file = proc.fdScan.fileIds.get(`${line.dev}:${line.inode}`)
    if (!file && line.kind !== 'POSIX') continue
    proc.info.locks.push({
      kind: line.kind,
      mode: line.mode,
      access: line.access,
      dev: line.dev,
      inode: line.inode,
      start: line.start,
      end: line.end,
      fd: file?.fd ?? null,
      path: file?.path ?? null
    })
  }
}
