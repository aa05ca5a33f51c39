/**
 * Runs `ss -x -a -n` once per scan for unix socket peers (/proc/net/unix has none). A missing or
 * failing `ss` leaves peers unknown; it is never guessed.
 *
 * `ss` runs while the scanner reads /proc (on the other core): startSs() spawns it with its
 * output going to an unlinked temporary file, and finish() waits for it synchronously by
 * polling its /proc entry until it is a zombie (libuv reaps it later, from the event loop, which
 * cannot run during a synchronous scan). That hides most of the cost of the spawn.
 */
import { execFileSync, spawn } from 'node:child_process'
import { closeSync, fstatSync, openSync, readSync, unlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { IoFailure, readText } from './io'
import { parseSsUnix, type SsUnixEntry } from './parse-ss'

const TIMEOUT_MS = 5000
const sleeper = new Int32Array(new SharedArrayBuffer(4))

/** A running `ss`; finish() returns its unix socket table, or null when it failed. */
export interface PendingSs {
  finish(): Map<number, SsUnixEntry> | null
}

const NONE: PendingSs = { finish: () => null }

/** Starts `ss -x -a -n` (ssPath null: do not run it; peers will be unknown). */
export function startSs(ssPath: string | null = 'ss'): PendingSs {
  if (ssPath === null) return NONE
  let outFd: number
  const outPath = join(tmpdir(), `icebox-ss-${process.pid}-${Math.random().toString(36).slice(2)}`)
  try {
    outFd = openSync(outPath, 'wx+', 0o600)
    unlinkSync(outPath)
  } catch {
    // No writable temporary directory: run it the plain way, without the overlap.
    return { finish: () => runSsNow(ssPath) }
  }
  let failed = false
  let child: ReturnType<typeof spawn>
  try {
    child = spawn(ssPath, ['-x', '-a', '-n'], { stdio: ['ignore', outFd, 'ignore'] })
    child.once('error', () => (failed = true))
    child.unref()
  } catch {
    closeSync(outFd)
    return NONE
  }
  const pid = child.pid
  return {
    finish(): Map<number, SsUnixEntry> | null {
      try {
        if (pid === undefined || failed) return null
        const deadline = Date.now() + TIMEOUT_MS
        while (!exited(pid)) {
          if (Date.now() > deadline) {
            child.kill('SIGKILL')
            return null
          }
          Atomics.wait(sleeper, 0, 0, 1)
        }
        if (exitStatus(pid) !== 0) return null
        return parseSsUnix(readWhole(outFd))
      } finally {
        closeSync(outFd)
      }
    }
  }
}

/** True once the child is a zombie (or already reaped). */
function exited(pid: number): boolean {
  const stat = readText(`/proc/${pid}/stat`, true)
  if (stat instanceof IoFailure) return true
  const state = stat.charAt(stat.lastIndexOf(')') + 2)
  return state === 'Z' || state === 'X'
}

/** Exit code of a zombie child from field 52 of its stat (0 if it cannot be read). */
function exitStatus(pid: number): number {
  const stat = readText(`/proc/${pid}/stat`, true)
  if (stat instanceof IoFailure) return 0
  const fields = stat
    .slice(stat.lastIndexOf(')') + 2)
    .trim()
    .split(' ')
  const code = Number(fields[fields.length - 1])
  return Number.isInteger(code) ? code : 0
}

function readWhole(fd: number): string {
  const size = fstatSync(fd).size
  const buf = Buffer.allocUnsafe(size)
  let off = 0
  while (off < size) {
    const n = readSync(fd, buf, off, size - off, off)
    if (n === 0) break
    off += n
  }
  return buf.toString('utf8', 0, off)
}

function runSsNow(ssPath: string): Map<number, SsUnixEntry> | null {
  try {
    const out = execFileSync(ssPath, ['-x', '-a', '-n'], {
      encoding: 'utf8',
      timeout: TIMEOUT_MS,
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore']
    })
    return parseSsUnix(out)
  } catch {
    return null
  }
}

/** Runs `ss` and waits for it (for callers that do not overlap it with other work). */
export function readSsUnix(ssPath: string | null = 'ss'): Map<number, SsUnixEntry> | null {
  return startSs(ssPath).finish()
}
