/**
 * One fd of a process as people read it: kind, path or addresses, state. Pure: works on the
 * decoded file table; peers are filled in later across the whole snapshot.
 */
import type { SnapshotFd, SnapshotFileKind } from '../../common/snapshot-view'
import { FD_TYPE, regOf, u32, u64b, u64n, type FileTable } from './file-table'
import { formatEndpoint, formatUnixName, sockTypeName, tcpStateName } from './net-format'
import type { Decoded } from './schema'

const S_IFMT = 0o170000
const S_IFDIR = 0o040000
const S_IFREG = 0o100000
const S_IFCHR = 0o020000
const S_IFBLK = 0o060000
const O_ACCMODE = 3

/** Extra facts describeFd needs that live outside files.img. */
export interface FdContext {
  /** tcp-stream queue bytes by socket inode. */
  tcpQueued: (inode: number) => number | null
}

const SIMPLE_KINDS: Readonly<Record<number, SnapshotFileKind>> = {
  [FD_TYPE.EVENTFD]: 'eventfd',
  [FD_TYPE.EVENTPOLL]: 'eventpoll',
  [FD_TYPE.INOTIFY]: 'inotify',
  [FD_TYPE.FANOTIFY]: 'fanotify',
  [FD_TYPE.SIGNALFD]: 'signalfd',
  [FD_TYPE.TIMERFD]: 'timerfd',
  [FD_TYPE.PACKETSK]: 'packet',
  [FD_TYPE.NETLINKSK]: 'netlink',
  [FD_TYPE.NS]: 'namespace',
  [FD_TYPE.TUNF]: 'tun',
  [FD_TYPE.BPFMAP]: 'bpf',
  [FD_TYPE.PIDFD]: 'pidfd',
  [FD_TYPE.EXT]: 'external'
}

/** Describes fd `fd` whose file id is `fileId` (fdinfo type `fdType` used when files.img lacks it). */
export function describeFd(
  fd: number,
  fileId: number,
  fdType: number,
  table: FileTable,
  ctx: FdContext
): SnapshotFd {
  const out: SnapshotFd = {
    fd,
    fileId,
    kind: 'unknown',
    description: '',
    path: null,
    flags: null,
    pos: null,
    size: null,
    deleted: false,
    inode: null,
    type: null,
    state: null,
    local: null,
    remote: null,
    peerInode: null,
    peers: [],
    queuedBytes: null,
    lock: null
  }
  const entry = table.byId.get(fileId)
  if (entry === undefined) {
    out.description = `missing file id ${fileId} (type ${fdType})`
    return out
  }
  const type = entry.type === undefined ? fdType : u32(entry.type)

  switch (type) {
    case FD_TYPE.REG: {
      const reg = (entry.reg as Decoded | undefined) ?? {}
      describeReg(out, reg, table)
      break
    }
    case FD_TYPE.PIPE:
    case FD_TYPE.FIFO: {
      const sub = ((type === FD_TYPE.PIPE ? entry.pipe : entry.fifo) as Decoded | undefined) ?? {}
      out.kind = type === FD_TYPE.PIPE ? 'pipe' : 'fifo'
      out.inode = u32(sub.pipe_id)
      if (type === FD_TYPE.PIPE) {
        out.flags = u32(sub.flags)
        out.type = (out.flags & O_ACCMODE) === 0 ? 'read' : 'write'
        out.description = `pipe:[${out.inode}] ${out.type} end`
      } else {
        out.path = stringOr(regOf(table, u32(sub.regf_id))?.name, null)
        out.description = `fifo ${out.path ?? `[${out.inode}]`}`
      }
      break
    }
    case FD_TYPE.UNIXSK: {
      const usk = (entry.usk as Decoded | undefined) ?? {}
      out.kind = 'unix'
      out.inode = u32(usk.ino)
      out.flags = u32(usk.flags)
      out.type = sockTypeName(u32(usk.type))
      out.state = unixStateName(u32(usk.state))
      out.local = formatUnixName(usk.name as Uint8Array | undefined)
      const peer = u32(usk.peer)
      out.peerInode = peer === 0 ? null : peer
      out.description =
        `unix ${out.type} ${out.local ?? '(unnamed)'}` +
        (out.peerInode === null ? '' : ` ↔ socket:[${out.peerInode}]`) +
        ` ${out.state}`
      break
    }
    case FD_TYPE.INETSK: {
      const isk = (entry.isk as Decoded | undefined) ?? {}
      describeInet(out, isk, ctx)
      break
    }
    case FD_TYPE.TTY: {
      const tty = (entry.tty as Decoded | undefined) ?? {}
      out.kind = 'tty'
      out.flags = u32(tty.flags)
      out.path = stringOr(regOf(table, u32(tty.regf_id))?.name, null)
      const info = table.ttyInfo.get(u32(tty.tty_info_id))
      const index = (info?.pty as Decoded | undefined)?.index
      out.description = out.path ?? (index !== undefined ? `/dev/pts/${u32(index)}` : 'tty')
      break
    }
    case FD_TYPE.MEMFD: {
      const m = (entry.memfd as Decoded | undefined) ?? {}
      out.kind = 'memfd'
      out.flags = u32(m.flags)
      out.pos = u64n(m.pos)
      const inode = table.memfdInodes.get(u32(m.inode_id))
      const name = stringOr(inode?.name, '')
      out.size = inode === undefined ? null : u64n(inode.size)
      out.path = `memfd:${name}`
      out.description = `memfd:${name}` + (out.size === null ? '' : ` (${out.size} bytes)`)
      break
    }
    case FD_TYPE.EVENTFD: {
      const e = (entry.efd as Decoded | undefined) ?? {}
      out.kind = 'eventfd'
      out.flags = u32(e.flags)
      out.description = `eventfd (counter ${String(e.counter ?? '0')})`
      break
    }
    case FD_TYPE.EVENTPOLL: {
      const e = (entry.epfd as Decoded | undefined) ?? {}
      out.kind = 'eventpoll'
      out.flags = u32(e.flags)
      const n = Array.isArray(e.tfd) ? e.tfd.length : 0
      out.description = `epoll (${n} watched fd${n === 1 ? '' : 's'})`
      break
    }
    case FD_TYPE.INOTIFY: {
      const e = (entry.ify as Decoded | undefined) ?? {}
      out.kind = 'inotify'
      out.flags = u32(e.flags)
      const n = Array.isArray(e.wd) ? e.wd.length : 0
      out.description = `inotify (${n} watch${n === 1 ? '' : 'es'})`
      break
    }
    case FD_TYPE.SIGNALFD: {
      const e = (entry.sgfd as Decoded | undefined) ?? {}
      out.kind = 'signalfd'
      out.flags = u32(e.flags)
      out.description = `signalfd (mask 0x${u64b(e.sigmask).toString(16)})`
      break
    }
    case FD_TYPE.TIMERFD: {
      const e = (entry.tfd as Decoded | undefined) ?? {}
      out.kind = 'timerfd'
      out.flags = u32(e.flags)
      out.description = `timerfd (clock ${u32(e.clockid)})`
      break
    }
    default: {
      out.kind = SIMPLE_KINDS[type] ?? 'unknown'
      out.description = `${out.kind} #${fileId}`
    }
  }
  return out
}

function describeReg(out: SnapshotFd, reg: Decoded, table: FileTable): void {
  const mode = u32(reg.mode)
  const fmt = mode & S_IFMT
  out.path = stringOr(reg.name, '')
  out.flags = u32(reg.flags)
  out.pos = u64n(reg.pos)
  out.size = reg.size === undefined ? null : u64n(reg.size)
  out.deleted = table.remapped.has(u32(reg.id))
  out.kind = fmt === S_IFDIR ? 'dir' : fmt === S_IFCHR || fmt === S_IFBLK ? 'device' : 'file'
  if (fmt === 0 && out.path.startsWith('/dev/')) out.kind = 'device'
  out.description = out.path + (out.deleted ? ' (deleted)' : '')
  if (fmt !== S_IFREG && fmt !== 0) out.size = out.kind === 'file' ? out.size : null
}

function describeInet(out: SnapshotFd, isk: Decoded, ctx: FdContext): void {
  const family = u32(isk.family)
  const proto = u32(isk.proto)
  const type = u32(isk.type)
  out.kind = proto === 6 ? 'tcp' : proto === 17 || proto === 136 ? 'udp' : 'inet'
  out.inode = u32(isk.ino)
  out.flags = u32(isk.flags)
  out.type = sockTypeName(type)
  out.state = tcpStateName(u32(isk.state))
  const src = (isk.src_addr as number[] | undefined) ?? []
  const dst = (isk.dst_addr as number[] | undefined) ?? []
  out.local = formatEndpoint(src, family, u32(isk.src_port))
  const connected = dst.some((w) => w !== 0) || u32(isk.dst_port) !== 0
  out.remote = connected ? formatEndpoint(dst, family, u32(isk.dst_port)) : null
  const v = family === 10 ? '6' : ''
  const name = out.kind === 'inet' ? `inet${v} proto ${proto}` : `${out.kind}${v}`
  if (out.kind === 'tcp') out.queuedBytes = ctx.tcpQueued(out.inode)
  out.description =
    `${name} ${out.local}` + (out.remote === null ? '' : ` → ${out.remote}`) + ` ${out.state}`
}

function unixStateName(state: number): string {
  if (state === 1) return 'CONNECTED'
  if (state === 7) return 'UNCONNECTED'
  if (state === 10) return 'LISTEN'
  return tcpStateName(state)
}

function stringOr<T>(v: unknown, fallback: T): string | T {
  return typeof v === 'string' ? v : fallback
}
