/**
 * /proc/PID/fdinfo/N: "pos:", "flags:" (octal), "mnt_id:", "ino:" and, for files with locks,
 * "lock:\t" lines in the /proc/locks format; a pidfd's "Pid:" line.
 */
import { parseLockLine, type LockLine } from './parse-locks'

/** The fields of fdinfo the scanner uses. */
export interface FdInfo {
  pos: number | null
  /** open(2) flags (parsed from octal). */
  flags: number | null
  mntId: number | null
  ino: number | null
  locks: LockLine[]
  /** pidfds: the pid it refers to ("Pid:", -1 once the process is gone). */
  pid: number | null
}

/** O_ACCMODE bits of the flags. */
export const O_ACCMODE = 0o3
export const O_WRONLY = 0o1
export const O_RDWR = 0o2

/** Parses fdinfo text; missing fields are null (old kernels, truncated reads). */
export function parseFdinfo(text: string): FdInfo {
  const out: FdInfo = { pos: null, flags: null, mntId: null, ino: null, locks: [], pid: null }
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':')
    if (colon < 0) continue
    const key = line.slice(0, colon)
    const value = line.slice(colon + 1).trim()
    switch (key) {
      case 'pos': {
        const n = Number(value)
        out.pos = Number.isFinite(n) ? n : null
        break
      }
      case 'flags': {
        const n = /^[0-7]+$/.test(value) ? parseInt(value, 8) : NaN
        out.flags = Number.isFinite(n) ? n : null
        break
      }
      case 'mnt_id': {
        const n = Number(value)
        out.mntId = Number.isInteger(n) ? n : null
        break
      }
      case 'ino': {
        const n = Number(value)
        out.ino = Number.isInteger(n) ? n : null
        break
      }
      case 'Pid': {
        const n = Number(value)
        out.pid = value !== '' && Number.isInteger(n) ? n : null
        break
      }
      case 'lock': {
        const lock = parseLockLine(value)
        if (lock) out.locks.push(lock)
        break
      }
    }
  }
  return out
}

/** Which end of a pipe the access mode says this is. */
export function pipeEndFromFlags(flags: number): 'read' | 'write' | null {
  const acc = flags & O_ACCMODE
  if (acc === 0) return 'read'
  if (acc === O_WRONLY) return 'write'
  return null
}

/**
 * Which end of a pipe the permission bits of the /proc/PID/fd/N link say this is: the kernel
 * sets S_IRUSR for FMODE_READ and S_IWUSR for FMODE_WRITE, so one lstat replaces an fdinfo read.
 */
export function pipeEndFromLinkMode(mode: number): 'read' | 'write' | null {
  const r = (mode & 0o400) !== 0
  const w = (mode & 0o200) !== 0
  if (r && !w) return 'read'
  if (w && !r) return 'write'
  return null
}
