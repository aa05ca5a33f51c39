/**
 * Reads and classifies the open fds of one process. The link text decides most kinds; extra
 * syscalls are spent only where they answer something: lstat for a pipe's end, stat for paths
 * (file, directory, device or FIFO; size; dev:inode for locks) and fdinfo for regular files
 * (flags, position, lock lines). lsof reads fdinfo for every fd; we do not.
 */
import type { FdEntry, FileLock, PipeFd, SocketFd } from '../../common/model'
import { devMajor, devMinor } from './dev'
import { IoFailure, lstatPath, readText, statPath } from './io'
import { parseFdinfo, pipeEndFromFlags, pipeEndFromLinkMode } from './parse-fdinfo'
import { classifyFdLink } from './parse-fd-link'

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

/** A device node already stat'ed in this scan, by path. */
export type DeviceCache = Map<string, { char: boolean; major: number; minor: number }>

/**
 * Classifies the fds of /proc/PID (`base`) from the fd directory's `names` and their `links`
 * (read by raw.ts), stat'ing and reading fdinfo where the link says it matters. `devices`, when
 * given, caches /dev nodes by path: only pass it for processes in Icebox's own mount
 * namespace, where the same path names the same node (thousands of processes hold /dev/null).
 */
export function readFds(
  base: string,
  names: string[] | IoFailure,
  links: ReadonlyArray<string | IoFailure>,
  devices?: DeviceCache
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
  if (names instanceof IoFailure) {
    if (names.reason === 'gone') out.gone = true
    else out.unreadable.push(`fd: ${names.describe()}`)
    return out
  }
  let linkFailures = 0
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!
    const fd = Number(name)
    const linkPath = `${base}/fd/${name}`
    const target = links[i] ?? new IoFailure('gone', 'ENOENT')
    if (target instanceof IoFailure) {
      // Closed between readdir and readlink: normal. Anything else is worth saying.
      if (target.reason !== 'gone') linkFailures++
      continue
    }
    const c = classifyFdLink(target)
    switch (c.cls) {
      case 'pipe': {
        const st = lstatPath(linkPath)
        const end = st instanceof IoFailure ? null : pipeEndFromLinkMode(st.mode)
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
        out.fds.push({ fd, kind: 'anon', anonKind: c.anonKind, target })
        break
      case 'memfd':
        out.fds.push({ fd, kind: 'memfd', name: c.name })
        break
      case 'unknown':
        out.fds.push({ fd, kind: 'unknown', target })
        break
      case 'path':
        if (devices && !c.deleted && c.path.startsWith('/dev/')) {
          const known = devices.get(c.path)
          if (known) {
            out.fds.push({
              fd,
              kind: 'device',
              devType: known.char ? 'char' : 'block',
              major: known.major,
              minor: known.minor,
              path: c.path
            })
            break
          }
        }
        readPathFd(out, base, fd, linkPath, c.path, c.deleted, devices)
        break
    }
  }
  if (linkFailures > 0) out.unreadable.push(`fd links: ${linkFailures} unreadable`)
  return out
}

function readPathFd(
  out: FdScan,
  base: string,
  fd: number,
  linkPath: string,
  path: string,
  deleted: boolean,
  devices?: DeviceCache
): void {
  const st = statPath(linkPath)
  if (st instanceof IoFailure) {
    if (st.reason === 'gone') return
    // Without stat we cannot tell a file from a directory or device: report it as a file.
    out.unreadable.push(`fd ${fd}: stat ${st.describe()}`)
    out.fds.push({ fd, kind: 'file', path, flags: null, pos: null, deleted, size: null })
    return
  }
  const type = st.mode & S_IFMT
  if (type === S_IFCHR || type === S_IFBLK) {
    if (devices && !deleted && path.startsWith('/dev/')) {
      devices.set(path, {
        char: type === S_IFCHR,
        major: devMajor(st.rdev),
        minor: devMinor(st.rdev)
      })
    }
    out.fds.push({
      fd,
      kind: 'device',
      devType: type === S_IFCHR ? 'char' : 'block',
      major: devMajor(st.rdev),
      minor: devMinor(st.rdev),
      path
    })
    return
  }
  const fileId = `${devMajor(st.dev)}:${devMinor(st.dev)}:${st.ino}`
  if (type === S_IFDIR) {
    out.fds.push({ fd, kind: 'dir', path })
    out.fileIds.set(fileId, { fd, path })
    return
  }
  if (type === S_IFIFO) {
    const flags = fdinfoFlags(base, fd)
    const entry: PipeFd = {
      fd,
      kind: 'pipe',
      variant: 'fifo',
      inode: st.ino,
      path,
      end: flags === null ? null : pipeEndFromFlags(flags),
      peers: []
    }
    out.fds.push(entry)
    out.fifos.push({ key: fileId, fd: entry })
    return
  }
  out.fileIds.set(fileId, { fd, path })
  let flags: number | null = null
  let pos: number | null = null
  if (type === S_IFREG) {
    const text = readText(`${base}/fdinfo/${fd}`, true)
    if (typeof text === 'string') {
      const info = parseFdinfo(text)
      flags = info.flags
      pos = info.pos
      for (const l of info.locks) {
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
    } else if (text.reason !== 'gone') {
      out.unreadable.push(`fd ${fd} fdinfo: ${text.describe()}`)
    }
  }
  out.fds.push({ fd, kind: 'file', path, flags, pos, deleted, size: st.size })
}

function fdinfoFlags(base: string, fd: number): number | null {
  const text = readText(`${base}/fdinfo/${fd}`, true)
  return typeof text === 'string' ? parseFdinfo(text).flags : null
}
