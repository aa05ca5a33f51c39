/**
 * Classifies the open fds of one process from its raw read (raw.ts): the link text decides most
 * kinds; the raw reader spent extra syscalls only where they answer something: lstat for a
 * pipe's end, stat for paths (file, directory, device or FIFO; size; dev:inode for locks; nlink
 * for deleted) and fdinfo for regular files and FIFOs (flags, position, lock lines); a scan
 * without file details reads fdinfo and pipe ends only where findings need them (RawWhat). lsof
 * reads fdinfo for every fd; we do not. No I/O here but fillPipeEnds.
 */
import type { FdEntry, FileLock, PipeFd, SocketFd } from '../../common/model'
import { devMajor, devMinor } from './dev'
import { failureOf, fromRaw, IoFailure, lstatPath } from './io'
import { parseFdinfo, pipeEndFromFlags, pipeEndFromLinkMode } from './parse-fdinfo'
import { classifyFdLink, pathOfLink } from './parse-fd-link'
import type { RawFdStat, RawProcess, RawText } from './raw'

const S_IFMT = 0o170000
const S_IFREG = 0o100000
const S_IFDIR = 0o040000
const S_IFCHR = 0o020000
const S_IFBLK = 0o060000
const S_IFIFO = 0o010000

/** What reading one process's fds produced, beyond the entries themselves. */
export interface FdScan {
  fds: FdEntry[]
  /** Locks found in fdinfo "lock:" lines (includes OFD locks, which /proc/locks shows as pid -1). */
  locks: FileLock[]
  /** "major:minor:inode" → path, for attributing /proc/locks entries by file. */
  fileIds: Map<string, { fd: number; path: string }>
  pipes: PipeFd[]
  fifos: Array<{ key: string; fd: PipeFd }>
  sockets: SocketFd[]
  unreadable: string[]
  /** True when the fd directory itself was gone (the process probably exited). */
  gone: boolean
}

/** Classifies every fd of a raw read. */
export function readFds(
  raw: Pick<RawProcess, 'fdNames' | 'fdLinks' | 'fdStats' | 'fdInfos'>
): FdScan {
  const out: FdScan = {
    fds: [],
    locks: [],
    fileIds: new Map(),
    pipes: [],
    fifos: [],
    sockets: [],
    unreadable: [],
    gone: false
  }
  const names = raw.fdNames
  if (!Array.isArray(names)) {
    const failure = failureOf(names.code)
    if (failure.reason === 'gone') out.gone = true
    else out.unreadable.push(`fd: ${failure.describe()}`)
    return out
  }
  let linkFailures = 0
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!
    const fd = Number(name)
    const target = fromRaw(raw.fdLinks[i] ?? { code: 'ENOENT' })
    if (target instanceof IoFailure) {
      // Closed between readdir and readlink: normal. Anything else is worth saying.
      if (target.reason !== 'gone') linkFailures++
      continue
    }
    const c = classifyFdLink(target)
    switch (c.cls) {
      case 'pipe': {
        const st = raw.fdStats[i]
        const end = Array.isArray(st) ? pipeEndFromLinkMode(st[0]!) : null
        const entry: PipeFd = {
          fd,
          kind: 'pipe',
          variant: 'pipe',
          inode: c.inode,
          path: null,
          end,
          peers: []
        }
        out.fds.push(entry)
        out.pipes.push(entry)
        break
      }
      case 'socket': {
        const entry: SocketFd = {
          fd,
          kind: 'socket',
          inode: c.inode,
          proto: 'unknown',
          type: null,
          state: null,
          local: null,
          remote: null,
          peerInode: null,
          peers: [],
          peerKnown: false
        }
        out.fds.push(entry)
        out.sockets.push(entry)
        break
      }
      case 'anon':
        out.fds.push(
          c.anonKind === 'pidfd'
            ? { fd, kind: 'anon', anonKind: 'pidfd', target, pidfdPid: pidfdTarget(raw.fdInfos[i]) }
            : { fd, kind: 'anon', anonKind: c.anonKind, target }
        )
        break
      case 'memfd':
        out.fds.push({ fd, kind: 'memfd', name: c.name })
        break
      case 'unknown':
        out.fds.push({ fd, kind: 'unknown', target })
        break
      case 'path':
        pathFd(out, fd, target, raw.fdStats[i] ?? null, raw.fdInfos[i] ?? null)
        break
    }
  }
  if (linkFailures > 0) out.unreadable.push(`fd links: ${linkFailures} unreadable`)
  return out
}

function pathFd(
  out: FdScan,
  fd: number,
  target: string,
  rawStat: RawFdStat,
  rawInfo: RawText | null
): void {
  const st =
    rawStat === null ? failureOf('EIO') : Array.isArray(rawStat) ? rawStat : failureOf(rawStat.code)
  if (st instanceof IoFailure) {
    if (st.reason === 'gone') return
    // Without stat we cannot tell a file from a directory or device: report it as a file, and
    // go by the link text for deleted.
    const { path, deleted } = pathOfLink(target, null)
    out.unreadable.push(`fd ${fd}: stat ${st.describe()}`)
    out.fds.push({ fd, kind: 'file', path, flags: null, pos: null, deleted, size: null })
    return
  }
  const [mode, dev, ino, rdev, size, nlink] = st as [
    number,
    number,
    number,
    number,
    number,
    number?
  ]
  const { path, deleted } = pathOfLink(target, nlink ?? null)
  const type = mode & S_IFMT
  if (type === S_IFCHR || type === S_IFBLK) {
    out.fds.push({
      fd,
      kind: 'device',
      devType: type === S_IFCHR ? 'char' : 'block',
      major: devMajor(rdev),
      minor: devMinor(rdev),
      path
    })
    return
  }
  const fileId = `${devMajor(dev)}:${devMinor(dev)}:${ino}`
  if (type === S_IFDIR) {
    out.fds.push({ fd, kind: 'dir', path })
    out.fileIds.set(fileId, { fd, path })
    return
  }
  const info = rawInfo === null ? null : fromRaw(rawInfo)
  const parsed = typeof info === 'string' ? parseFdinfo(info) : null
  if (type === S_IFIFO) {
    const entry: PipeFd = {
      fd,
      kind: 'pipe',
      variant: 'fifo',
      inode: ino,
      path,
      end: parsed?.flags == null ? null : pipeEndFromFlags(parsed.flags),
      peers: []
    }
    out.fds.push(entry)
    out.fifos.push({ key: fileId, fd: entry })
    return
  }
  out.fileIds.set(fileId, { fd, path })
  if (parsed) {
    for (const l of parsed.locks) {
      out.locks.push({
        kind: l.kind,
        mode: l.mode,
        access: l.access,
        dev: l.dev,
        inode: l.inode,
        start: l.start,
        end: l.end,
        fd,
        path
      })
    }
  } else if (info instanceof IoFailure && info.reason !== 'gone') {
    out.unreadable.push(`fd ${fd} fdinfo: ${info.describe()}`)
  }
  const flags = type === S_IFREG ? (parsed?.flags ?? null) : null
  const pos = type === S_IFREG ? (parsed?.pos ?? null) : null
  out.fds.push({ fd, kind: 'file', path, flags, pos, deleted, size })
}

/** The pid a pidfd refers to, from its fdinfo; null when that could not be read. */
function pidfdTarget(info: RawText | null | undefined): number | null {
  if (typeof info !== 'string') return null
  return parseFdinfo(info).pid
}

/**
 * Reads the end (lstat of the fd link) of each pipe shared with another process, for a scan
 * without file details: a pipe held by one process only needs none.
 */
export function fillPipeEnds(
  procs: ReadonlyArray<{ info: { pid: number }; fdScan: FdScan }>,
  procRoot: string
): void {
  for (const { info, fdScan } of procs) {
    for (const p of fdScan.pipes) {
      if (p.end !== null || (p.peers.length === 0 && !p.peersOmitted)) continue
      const st = lstatPath(`${procRoot}/${info.pid}/fd/${p.fd}`)
      if (!(st instanceof IoFailure)) p.end = pipeEndFromLinkMode(st.mode)
    }
  }
}
