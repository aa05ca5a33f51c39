/**
 * `criu --version` remembered across runs, so that `icebox freeze` and `icebox restore` do not
 * spawn it every time. An entry holds for one binary as it is on disk: its path, device, inode,
 * size, mtime and ctime (nobody can set a ctime back, so a replaced or rewritten criu runs again).
 *
 * Only root writes the cache, and it is believed only when root owns it and its directory and
 * nobody else can write either: a forged entry could otherwise let an old criu pass the version
 * check. Every failure here just means "not cached".
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

export const VERSION_CACHE_FILE = '/var/cache/icebox/criu-version.json'
/** Binaries remembered at most (a machine has one or two criu). */
const MAX_ENTRIES = 8

interface Entry {
  key: string
  version: string
}

/** What identifies the binary at `path` right now, or null when it cannot be stat'ed. */
export function binaryKey(path: string): string | null {
  try {
    const s = statSync(path, { bigint: true })
    return [s.dev, s.ino, s.size, s.mtimeNs, s.ctimeNs].join(':')
  } catch {
    return null
  }
}

function ownedByRootOnly(path: string): boolean {
  const s = statSync(path)
  return s.uid === 0 && (s.mode & 0o022) === 0
}

function readEntries(file: string): Record<string, Entry> {
  try {
    if (!ownedByRootOnly(dirname(file)) || !ownedByRootOnly(file)) return {}
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'))
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, Entry>) : {}
  } catch {
    return {}
  }
}

/** The remembered version of the binary at `path` when it has not changed since, else null. */
export function cachedVersion(path: string, file = VERSION_CACHE_FILE): string | null {
  const entry = readEntries(file)[path]
  if (!entry || typeof entry.key !== 'string' || typeof entry.version !== 'string') return null
  return entry.key === binaryKey(path) ? entry.version : null
}

/** Remembers the version of the binary at `path` (as root only; silently skipped otherwise). */
export function rememberVersion(
  path: string,
  version: string,
  key: string | null,
  file = VERSION_CACHE_FILE
): void {
  if (key === null || process.geteuid?.() !== 0) return
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o755 })
    const entries = { ...readEntries(file), [path]: { key, version } }
    const kept = Object.fromEntries(Object.entries(entries).slice(-MAX_ENTRIES))
    const tmp = `${file}.${process.pid}.tmp`
    writeFileSync(tmp, JSON.stringify(kept) + '\n', { mode: 0o644 })
    renameSync(tmp, file)
  } catch {
    // A read-only /var or a full disk: the next run asks criu again.
  }
}
