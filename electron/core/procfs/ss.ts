/**
 * Runs `ss -x -a -n` once per scan for unix socket peers (/proc/net/unix has none). A missing or
 * failing `ss` leaves peers unknown; it is never guessed.
 */
import { execFileSync } from 'node:child_process'

import { parseSsUnix, type SsUnixEntry } from './parse-ss'

/** Unix socket table from `ss`, or null when `ss` is unavailable or failed. */
export function readSsUnix(ssPath: string | null = 'ss'): Map<number, SsUnixEntry> | null {
  if (ssPath === null) return null
  try {
    const out = execFileSync(ssPath, ['-x', '-a', '-n'], {
      encoding: 'utf8',
      timeout: 5000,
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore']
    })
    return parseSsUnix(out)
  } catch {
    return null
  }
}
