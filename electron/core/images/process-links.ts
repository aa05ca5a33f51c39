/**
 * What ties the processes of a snapshot together or to the outside: pipe and socket peers
 * inside the snapshot, file locks per fd, namespaces that differ from the dumping CRIU's.
 */
import type { SnapshotFd, SnapshotProcess } from '../../common/snapshot-view'
import { u32 } from './file-table'
import { readImageIfPresent } from './image-dir'
import type { Decoded } from './schema'

const NAMESPACE_IDS: ReadonlyArray<[string, string]> = [
  ['pid', 'pid_ns_id'],
  ['net', 'net_ns_id'],
  ['mnt', 'mnt_ns_id'],
  ['ipc', 'ipc_ns_id'],
  ['uts', 'uts_ns_id'],
  ['user', 'user_ns_id'],
  ['cgroup', 'cgroup_ns_id'],
  ['time', 'time_ns_id']
]

/** Namespace kinds whose id differs from CRIU's own (inventory root_ids). */
export function ownNamespaces(ids: Decoded, rootIds: Decoded): string[] {
  return NAMESPACE_IDS.filter(
    ([, key]) => ids[key] !== undefined && rootIds[key] !== undefined && ids[key] !== rootIds[key]
  ).map(([kind]) => kind)
}

const LOCK_KINDS: Record<number, string> = { 1: 'posix', 2: 'flock', 4: 'ofd', 8: 'lease' }
const LOCK_MODES: Record<number, string> = { 0: 'read', 1: 'write', 2: 'unlock' }

/** filelocks.img → "pid/fd" → "flock write" etc. */
export function readLocks(dir: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const e of readImageIfPresent(dir, 'filelocks.img')?.entries ?? []) {
    const kind = LOCK_KINDS[u32(e.flag)] ?? `kind ${u32(e.flag)}`
    const mode = LOCK_MODES[u32(e.type)] ?? `type ${u32(e.type)}`
    const key = `${typeof e.pid === 'number' ? e.pid : 0}/${typeof e.fd === 'number' ? e.fd : -1}`
    const prev = out.get(key)
    out.set(key, prev ? `${prev}, ${kind} ${mode}` : `${kind} ${mode}`)
  }
  return out
}

/** Fills `peers` of pipes (same pipe id) and unix sockets (peer inode) across the snapshot. */
export function resolvePeers(processes: SnapshotProcess[]): void {
  const byPipe = new Map<number, Array<{ p: SnapshotProcess; fd: SnapshotFd }>>()
  const byUnixInode = new Map<number, Array<{ p: SnapshotProcess; fd: SnapshotFd }>>()
  for (const p of processes) {
    for (const fd of p.fds) {
      if ((fd.kind === 'pipe' || fd.kind === 'fifo') && fd.inode !== null) {
        push(byPipe, fd.inode, { p, fd })
      } else if (fd.kind === 'unix' && fd.inode !== null) {
        push(byUnixInode, fd.inode, { p, fd })
      }
    }
  }
  for (const p of processes) {
    for (const fd of p.fds) {
      let others: Array<{ p: SnapshotProcess; fd: SnapshotFd }> = []
      if ((fd.kind === 'pipe' || fd.kind === 'fifo') && fd.inode !== null) {
        // The other end: same pipe, a different file description (read vs write end).
        others = (byPipe.get(fd.inode) ?? []).filter((o) => o.fd.fileId !== fd.fileId)
      } else if (fd.kind === 'unix' && fd.peerInode !== null) {
        others = byUnixInode.get(fd.peerInode) ?? []
      }
      fd.peers = others.map((o) => ({ pid: o.p.pid, fd: o.fd.fd, comm: o.p.comm }))
    }
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}
