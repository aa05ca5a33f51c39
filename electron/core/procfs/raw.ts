/**
 * The uniform part of reading one process: the files and links every process has (stat, status,
 * cmdline, exe, cwd, namespaces, the fd directory and its links, maps), read as plain text with no
 * interpretation. It is most of a scan's syscalls, so a worker thread can do it for part of the
 * processes while the main thread does the rest and interprets everything (parallel.ts).
 *
 * The functions here are self-contained (they get `fs` and a buffer as arguments and call nothing
 * of this module's scope but each other through `io`): parallel.ts sends their source text to the
 * worker. Failures are plain `{ code }` objects so that they cross threads.
 */
import type * as Fs from 'node:fs'

/** A failed read: the errno code ("ENOENT", "EACCES" …). */
export interface RawFailure {
  code: string
}

export type RawText = string | RawFailure

/** What raw reading needs: the fs module and a reusable buffer (grown in place). */
export interface RawIo {
  fs: typeof Fs
  buf: Buffer
  /**
   * /dev nodes already stat'ed, by path, for processes in the reader's own mount namespace
   * (thousands of processes hold /dev/null). Created on first use.
   */
  devices?: Map<string, number[]>
  /** The reader's own ns/mnt link (read on first use; '' when it cannot be read). */
  selfMnt?: string
}

/**
 * What the fd's link asked for: for a pipe (with file details), [mode] of the link (lstat: its
 * mode bits tell the end); for a path, [mode, dev, ino, rdev, size, nlink] of the open file (stat;
 * nlink 0 tells an unlinked file from a live one whose name ends in " (deleted)"); null for the rest.
 */
export type RawFdStat = number[] | RawFailure | null

/** What to read beyond the uniform part (plain data: it crosses to the worker). */
export interface RawWhat {
  /** Read /proc/PID/maps. */
  maps: boolean
  /**
   * Read every regular file's and FIFO's fdinfo (open flags, position, lock lines) and every
   * pipe's end (lstat). Without it, fdinfo is read only for FIFOs (their end), pidfds and the
   * files in `locked` that another process or an open file description holds a lock on, and
   * pipe ends are left to fillPipeEnds (only pipes shared between processes need one).
   */
  fileDetails: boolean
  /** "dev:inode" (st_dev as a number) → the pids /proc/locks names for it (-1: an OFD lock). */
  locked: Record<string, number[]>
}

/** The lines of /proc/PID/status that parseStatus reads (its keys at line starts). */
export const STATUS_LINES: readonly string[] = [
  '\nTracerPid:',
  '\nUid:',
  '\nGid:',
  '\nNSpid:',
  '\nThreads:',
  '\nCapPrm:',
  '\nCapEff:'
]

/** The lines of /proc/PID/maps that parseMaps looks at (its markers). */
export const MAPS_LINES: readonly string[] = [' /dev/', ' /SYSV', ' [uprobes]', ' (deleted)']

/** One process as read from /proc, uninterpreted. */
export interface RawProcess {
  pid: number
  stat: RawText
  /** The lines of status that parse-status reads. */
  status: RawText
  cmdline: RawText
  exe: RawText
  cwd: RawText
  /** readlink of ns/pid, ns/mnt, ns/net, ns/ipc, ns/user (NAMESPACE_KINDS order). */
  ns: RawText[]
  /** Entries of the fd directory. */
  fdNames: string[] | RawFailure
  /** readlink of each fd in `fdNames`, same order. */
  fdLinks: RawText[]
  /** Per fd, what its link asked for (see RawFdStat). */
  fdStats: RawFdStat[]
  /** Per fd, fdinfo of regular files and FIFOs (flags, position, lock lines; see RawWhat) and pidfds; else null. */
  fdInfos: Array<RawText | null>
  /** The lines of maps that parse-maps looks at; null when maps were not asked for. */
  maps: RawText | null
}

/**
 * Reads a whole /proc file into `io.buf` (grown as needed); returns its length. Multi-record seq
 * files (maps, net/*, locks) hand out at most one page per read(2), so they are read until EOF.
 * Files produced in one piece (stat, status, cmdline, fdinfo: pass `oneShot`) end at the first
 * short read, which saves the extra read(2) readFileSync makes on every file.
 */
export function rawReadBytes(io: RawIo, path: string, oneShot: boolean): number | RawFailure {
  const fs = io.fs
  let fd: number
  try {
    fd = fs.openSync(path, 'r')
  } catch (err) {
    return { code: (err as NodeJS.ErrnoException | null)?.code ?? 'EIO' }
  }
  try {
    let len = 0
    for (;;) {
      const n = fs.readSync(fd, io.buf, len, io.buf.length - len, null)
      len += n
      if (n === 0 || (oneShot && len < io.buf.length)) break
      if (len === io.buf.length) {
        const bigger = Buffer.allocUnsafe(io.buf.length * 2)
        io.buf.copy(bigger, 0, 0, len)
        io.buf = bigger
      }
    }
    return len
  } catch (err) {
    return { code: (err as NodeJS.ErrnoException | null)?.code ?? 'EIO' }
  } finally {
    fs.closeSync(fd)
  }
}

/** Reads a whole /proc file as UTF-8 (see rawReadBytes). */
export function rawReadText(io: RawIo, path: string, oneShot: boolean): RawText {
  const len = rawReadBytes(io, path, oneShot)
  return typeof len === 'number' ? io.buf.toString('utf8', 0, len) : len
}

/**
 * Reads a /proc file but keeps only its lines that contain one of `markers` (each line once, in
 * file order, joined by "\n"; '' when none does). The scanner looks at a few lines of status
 * and maps only: searching the bytes spares making a string of the whole file, and, in the
 * worker, copying it to the main thread. A marker that starts with "\n" matches a line's start.
 */
export function rawReadLines(
  io: RawIo,
  path: string,
  markers: readonly string[],
  oneShot: boolean
): RawText {
  const len = rawReadBytes(io, path, oneShot)
  if (typeof len !== 'number') return len
  const buf = io.buf.subarray(0, len)
  const starts: number[] = []
  const ends: number[] = []
  for (const marker of markers) {
    let at = buf.indexOf(marker, 0, 'latin1')
    while (at >= 0) {
      const start = marker.charCodeAt(0) === 10 ? at + 1 : buf.lastIndexOf(10, at) + 1
      let end = buf.indexOf(10, start)
      if (end < 0) end = len
      // Insertion keeps the lines in file order; markers find few lines.
      let i = starts.length
      while (i > 0 && starts[i - 1]! > start) i--
      if (i === 0 || starts[i - 1] !== start) {
        starts.splice(i, 0, start)
        ends.splice(i, 0, end)
      }
      at = buf.indexOf(marker, end, 'latin1')
    }
  }
  let out = ''
  let i = 0
  while (i < starts.length) {
    // Neighbouring lines become one slice of the buffer.
    const start = starts[i]!
    let end = ends[i]!
    while (i + 1 < starts.length && starts[i + 1] === end + 1) end = ends[++i]!
    out += (out === '' ? '' : '\n') + buf.toString('utf8', start, end)
    i++
  }
  return out
}

/** readlink(2) as a string, or the failure. */
export function rawReadLink(io: RawIo, path: string): RawText {
  try {
    return io.fs.readlinkSync(path)
  } catch (err) {
    return { code: (err as NodeJS.ErrnoException | null)?.code ?? 'EIO' }
  }
}

/**
 * Reads the uniform part of /proc/PID (see the module comment). Stops after `stat` when that
 * fails: the process is gone (or was never there).
 */
export function rawReadProcess(
  io: RawIo,
  procRoot: string,
  pid: number,
  what: RawWhat
): RawProcess {
  const base = procRoot + '/' + pid
  const stat = rawReadText(io, base + '/stat', true)
  const out: RawProcess = {
    pid,
    stat,
    status: { code: 'ENOENT' },
    cmdline: { code: 'ENOENT' },
    exe: { code: 'ENOENT' },
    cwd: { code: 'ENOENT' },
    ns: [],
    fdNames: { code: 'ENOENT' },
    fdLinks: [],
    fdStats: [],
    fdInfos: [],
    maps: null
  }
  if (typeof stat !== 'string') return out
  out.status = rawReadLines(io, base + '/status', STATUS_LINES, true)
  out.cmdline = rawReadText(io, base + '/cmdline', true)
  out.exe = rawReadLink(io, base + '/exe')
  out.cwd = rawReadLink(io, base + '/cwd')
  for (const kind of ['pid', 'mnt', 'net', 'ipc', 'user']) {
    out.ns.push(rawReadLink(io, base + '/ns/' + kind))
  }
  const fdDir = base + '/fd/'
  try {
    const names = io.fs.readdirSync(fdDir)
    out.fdNames = names
    if (io.selfMnt === undefined) {
      const self = rawReadLink(io, procRoot + '/self/ns/mnt')
      io.selfMnt = typeof self === 'string' ? self : ''
    }
    const devices =
      io.selfMnt !== '' && out.ns[1] === io.selfMnt ? (io.devices ??= new Map()) : null
    for (const name of names) {
      const link = rawReadLink(io, fdDir + name)
      out.fdLinks.push(link)
      let st: RawFdStat = null
      let info: RawText | null = null
      if (link === 'anon_inode:[pidfd]') {
        // The process a pidfd refers to ("Pid:" line): CRIU fails on one outside the tree (D17).
        info = rawReadText(io, base + '/fdinfo/' + name, true)
      } else if (what.fileDetails && typeof link === 'string' && link.startsWith('pipe:')) {
        try {
          st = [io.fs.lstatSync(fdDir + name).mode]
        } catch (err) {
          st = { code: (err as NodeJS.ErrnoException | null)?.code ?? 'EIO' }
        }
      } else if (
        typeof link === 'string' &&
        link.startsWith('/') &&
        !link.startsWith('/memfd:') &&
        !link.startsWith('/dmabuf:')
      ) {
        // A /dev path (not deleted) names the same node for every process in this mount ns.
        const cacheable =
          devices !== null && link.startsWith('/dev/') && !link.endsWith(' (deleted)')
        st = cacheable ? (devices.get(link) ?? null) : null
        if (st === null) {
          try {
            const s = io.fs.statSync(fdDir + name)
            st = [s.mode, s.dev, s.ino, s.rdev, s.size, s.nlink]
            const type = s.mode & 0o170000
            if (cacheable && (type === 0o020000 || type === 0o060000)) devices.set(link, st)
            // Regular files and FIFOs: open flags, position and lock lines. A lock /proc/locks
            // names for this pid is attributed from there; fdinfo is needed for the others (an
            // inherited flock, an OFD lock).
            const lockers = type === 0o100000 ? what.locked[s.dev + ':' + s.ino] : undefined
            if (
              type === 0o010000 ||
              (type === 0o100000 &&
                (what.fileDetails || (lockers !== undefined && lockers.some((p) => p !== pid))))
            ) {
              info = rawReadText(io, base + '/fdinfo/' + name, true)
            }
          } catch (err) {
            st = { code: (err as NodeJS.ErrnoException | null)?.code ?? 'EIO' }
          }
        }
      }
      out.fdStats.push(st)
      out.fdInfos.push(info)
    }
  } catch (err) {
    out.fdNames = { code: (err as NodeJS.ErrnoException | null)?.code ?? 'EIO' }
  }
  // The maps lines parse-maps looks at (its markers).
  if (what.maps) {
    out.maps = rawReadLines(
      io,
      base + '/maps',
      [' /dev/', ' /SYSV', ' [uprobes]', ' (deleted)'],
      false
    )
  }
  return out
}
