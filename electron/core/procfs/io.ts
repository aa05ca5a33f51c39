/**
 * Thin synchronous reads of /proc. Synchronous on purpose: per-file promises are 2–3× slower
 * here (docs/performance-baselines.md). Every function returns an IoFailure instead of throwing,
 * so one vanished or forbidden file never ends a scan.
 */
import * as fs from 'node:fs'
import type { Stats } from 'node:fs'

import { rawReadLink, rawReadText, type RawIo, type RawText } from './raw'

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
  return failureOf((err as NodeJS.ErrnoException | null)?.code ?? 'EIO')
}

// One buffer reused by every read: /proc files are read whole, one at a time.
const rawIo: RawIo = { fs, buf: Buffer.allocUnsafe(64 * 1024) }

/** A raw read's result as the rest of the scanner sees it. */
export function fromRaw(t: RawText): string | IoFailure {
  return typeof t === 'string' ? t : failureOf(t.code)
}

/** The failure for an errno code. */
export function failureOf(code: string): IoFailure {
  if (code === 'ENOENT' || code === 'ESRCH') return new IoFailure('gone', code)
  if (code === 'EACCES' || code === 'EPERM') return new IoFailure('denied', code)
  return new IoFailure('error', code)
}

/** Reads a whole /proc file as UTF-8 (see rawReadText; `oneShot` for single-piece files). */
export function readText(path: string, oneShot = false): string | IoFailure {
  return fromRaw(rawReadText(rawIo, path, oneShot))
}

/** readlink(2), as a UTF-8 string. */
export function readLink(path: string): string | IoFailure {
  return fromRaw(rawReadLink(rawIo, path))
}

/** The shared I/O state, for raw reads on the main thread. */
export function mainRawIo(): RawIo {
  return rawIo
}

/** Directory entry names. */
export function listDir(path: string): string[] | IoFailure {
  try {
    return fs.readdirSync(path)
  } catch (err) {
    return failure(err)
  }
}

/** stat(2) following links (for /proc/PID/fd/N: the open file itself). */
export function statPath(path: string): Stats | IoFailure {
  try {
    return fs.statSync(path)
  } catch (err) {
    return failure(err)
  }
}

/** lstat(2) (for /proc/PID/fd/N: the link, whose mode bits tell the open mode). */
export function lstatPath(path: string): Stats | IoFailure {
  try {
    return fs.lstatSync(path)
  } catch (err) {
    return failure(err)
  }
}
