/**
 * Thin synchronous reads of /proc. Synchronous on purpose: per-file promises are 2–3× slower
 * here (docs/performance-baselines.md). Every function returns an IoFailure instead of throwing,
 * so one vanished or forbidden file never ends a scan.
 */
import {
  closeSync,
  lstatSync,
  openSync,
  readSync,
  readdirSync,
  readlinkSync,
  statSync
} from 'node:fs'
import type { Stats } from 'node:fs'

/** Why a read failed: the process is gone, access was denied, or something else. */
export type IoReason = 'gone' | 'denied' | 'error'

/** A failed read. */
export class IoFailure {
  constructor(
    readonly reason: IoReason,
    readonly code: string
  ) {}

  /** "permission denied", "no such file" … for ProcessInfo.unreadable. */
  describe(): string {
    if (this.reason === 'denied') return 'permission denied'
    if (this.reason === 'gone') return 'gone'
    return this.code.toLowerCase()
  }
}

function failure(err: unknown): IoFailure {
  const code = (err as NodeJS.ErrnoException)?.code ?? 'EIO'
  if (code === 'ENOENT' || code === 'ESRCH') return new IoFailure('gone', code)
  if (code === 'EACCES' || code === 'EPERM') return new IoFailure('denied', code)
  return new IoFailure('error', code)
}

// One buffer reused by every read: /proc files are read whole, one at a time.
let shared = Buffer.allocUnsafe(64 * 1024)

/**
 * Reads a whole /proc file as UTF-8. Multi-record seq files (maps, net/*, locks) hand out at
 * most one page per read(2), so they are read until EOF. Files produced in one piece (stat,
 * status, cmdline, fdinfo: pass `oneShot`) end at the first short read, which saves the extra
 * read(2) readFileSync makes on every file.
 */
export function readText(path: string, oneShot = false): string | IoFailure {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch (err) {
    return failure(err)
  }
  try {
    let len = 0
    for (;;) {
      const n = readSync(fd, shared, len, shared.length - len, null)
      len += n
      if (n === 0 || (oneShot && len < shared.length)) break
      if (len === shared.length) {
        const bigger = Buffer.allocUnsafe(shared.length * 2)
        shared.copy(bigger, 0, 0, len)
        shared = bigger
      }
    }
    return shared.toString('utf8', 0, len)
  } catch (err) {
    return failure(err)
  } finally {
    closeSync(fd)
  }
}

/** readlink(2), as a UTF-8 string. */
export function readLink(path: string): string | IoFailure {
  try {
    return readlinkSync(path)
  } catch (err) {
    return failure(err)
  }
}

/** Directory entry names. */
export function listDir(path: string): string[] | IoFailure {
  try {
    return readdirSync(path)
  } catch (err) {
    return failure(err)
  }
}

/** stat(2) following links (for /proc/PID/fd/N: the open file itself). */
export function statPath(path: string): Stats | IoFailure {
  try {
    return statSync(path)
  } catch (err) {
    return failure(err)
  }
}

/** lstat(2) (for /proc/PID/fd/N: the link, whose mode bits tell the open mode). */
export function lstatPath(path: string): Stats | IoFailure {
  try {
    return lstatSync(path)
  } catch (err) {
    return failure(err)
  }
}
