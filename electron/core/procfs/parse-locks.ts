/**
 * /proc/locks and the "lock:" lines of fdinfo share one format:
 *   "1: POSIX  ADVISORY  WRITE 1234 fe:00:2147720 0 EOF"
 *   "1: -> FLOCK  ADVISORY  WRITE 5678 fe:00:2147720 0 EOF"   (a blocked waiter)
 *   "2: OFDLCK ADVISORY  READ  -1 00:2c:123 0 100"            (OFD: no owning pid)
 * The device is "major:minor" in hex; we report it in decimal like stat(2) does.
 */
import type { LockKind } from '../../common/model'

/** One parsed lock line. */
export interface LockLine {
  id: number
  /** True for "->" lines: a process waiting for the lock, not holding it. */
  blocked: boolean
  kind: LockKind
  mode: string
  access: string
  /** Owning pid; -1 for OFD locks (owned by an open file description, not a process). */
  pid: number
  /** "major:minor" in decimal. */
  dev: string
  inode: number
  start: string
  end: string
}

const KINDS: ReadonlySet<string> = new Set(['FLOCK', 'POSIX', 'OFDLCK', 'LEASE', 'DELEG'])

/** Parses one lock line (with or without the "lock:" prefix); null if malformed. */
export function parseLockLine(line: string): LockLine | null {
  const tokens = line.trim().split(/\s+/)
  if (tokens[0] === 'lock:') tokens.shift()
  const idText = tokens.shift()
  if (!idText || !idText.endsWith(':')) return null
  const id = Number(idText.slice(0, -1))
  let blocked = false
  if (tokens[0] === '->') {
    blocked = true
    tokens.shift()
  }
  // LEASE/DELEG lines put the lease state where others put the mode; all have 7 fields.
  if (tokens.length < 7) return null
  const [kindText, mode, access, pidText, devIno, start, end] = tokens as [
    string,
    string,
    string,
    string,
    string,
    string,
    string
  ]
  const parts = devIno.split(':')
  if (parts.length !== 3) return null
  const major = parseInt(parts[0]!, 16)
  const minor = parseInt(parts[1]!, 16)
  const inode = Number(parts[2])
  const pid = Number(pidText)
  if (!Number.isInteger(id) || !Number.isFinite(major) || !Number.isFinite(minor)) return null
  if (!Number.isSafeInteger(inode) || !Number.isInteger(pid)) return null
  return {
    id,
    blocked,
    kind: KINDS.has(kindText) ? (kindText as LockKind) : 'OTHER',
    mode,
    access,
    pid,
    dev: `${major}:${minor}`,
    inode,
    start,
    end
  }
}

/** Parses the whole of /proc/locks, skipping malformed lines. */
export function parseLocks(text: string): LockLine[] {
  const out: LockLine[] = []
  for (const line of text.split('\n')) {
    if (line === '') continue
    const lock = parseLockLine(line)
    if (lock) out.push(lock)
  }
  return out
}
