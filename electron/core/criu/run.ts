/**
 * Runs criu with an argv array and turns its growing log into progress events. Cancel (an
 * AbortSignal) and the timeout kill criu; the exit code decides success, the log explains failure.
 */
import { closeSync, openSync, readSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

import type { CriuPhase } from './explain'
import { CRIU_ENV } from './probe'
import { runProgram } from './program'

export type ProgressPhase = 'starting' | 'seizing' | 'files' | 'memory' | 'restoring' | 'done'

export interface CriuProgress {
  phase: ProgressPhase
  message: string
  /** Bytes of pages-*.img written so far (dump), or null. */
  bytesWritten: number | null
  elapsedMs: number
}

export interface RunCriuOptions {
  criuPath: string
  argv: string[]
  phase: CriuPhase
  /** Where criu writes its -o log (work dir + log name). */
  logPath: string
  /** The images directory, for measuring pages-*.img growth. */
  imagesDir: string
  signal?: AbortSignal
  timeoutMs?: number
  onProgress?: (p: CriuProgress) => void
  /** How often the log is read, ms. */
  pollMs?: number
}

export interface CriuRunResult {
  exitCode: number | null
  signal: string | null
  cancelled: boolean
  timedOut: boolean
  output: string
  durationMs: number
}

/** Log markers → phase, in the order CRIU reaches them. */
const MARKERS: Array<[RegExp, ProgressPhase, string]> = [
  [/Dumping processes \(pid:|Seized task/, 'seizing', 'Stopping the processes'],
  [/Dumping opened files/, 'files', 'Saving open files'],
  [/Dumping pages|page-xfer: Transferring pages/, 'memory', 'Writing memory'],
  [/Forking task|Restoring resources|Restore task/, 'restoring', 'Recreating the processes'],
  [/Dumping finished successfully|Restore finished successfully/, 'done', 'Done']
]

/** Total size of pages-*.img in a directory (0 when unreadable). */
export function pagesBytes(dir: string): number {
  let total = 0
  try {
    for (const name of readdirSync(dir)) {
      if (/^pages-\d+\.img$/.test(name)) total += statSync(join(dir, name)).size
    }
  } catch {
    // The directory may not exist yet.
  }
  return total
}

/** Reads whatever the log gained since `offset`. */
function readNew(path: string, offset: number): { text: string; offset: number } {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch {
    return { text: '', offset }
  }
  try {
    const size = statSync(path).size
    if (size <= offset) return { text: '', offset }
    const buf = Buffer.alloc(Math.min(size - offset, 4 * 1024 * 1024))
    const n = readSync(fd, buf, 0, buf.length, offset)
    return { text: buf.subarray(0, n).toString('utf8'), offset: offset + n }
  } finally {
    closeSync(fd)
  }
}

/** Runs criu to the end; never throws for a failed run (inspect the result). */
export async function runCriu(opts: RunCriuOptions): Promise<CriuRunResult> {
  const started = Date.now()
  const rank = (p: ProgressPhase): number => MARKERS.findIndex((m) => m[1] === p)
  let phase: ProgressPhase = 'starting'
  let offset = 0
  let lastBytes = -1
  const emit = (p: ProgressPhase, message: string, bytes: number | null): void =>
    opts.onProgress?.({ phase: p, message, bytesWritten: bytes, elapsedMs: Date.now() - started })
  emit('starting', opts.phase === 'dump' ? 'Starting CRIU' : 'Starting the restore', null)

  const poll = (): void => {
    const chunk = readNew(opts.logPath, offset)
    offset = chunk.offset
    for (const [re, p, message] of MARKERS) {
      if (rank(p) > rank(phase) && re.test(chunk.text)) {
        phase = p
        emit(p, message, opts.phase === 'dump' ? pagesBytes(opts.imagesDir) : null)
      }
    }
    if (opts.phase === 'dump' && phase === 'memory') {
      const bytes = pagesBytes(opts.imagesDir)
      if (bytes !== lastBytes) {
        lastBytes = bytes
        emit('memory', `Writing memory: ${(bytes / 1048576).toFixed(1)} MiB`, bytes)
      }
    }
  }
  const timer = opts.onProgress ? setInterval(poll, opts.pollMs ?? 100) : null

  try {
    const r = await runProgram(opts.criuPath, opts.argv, {
      env: CRIU_ENV,
      // criu ignores SIGTERM while it holds the tasks; a cancel must really stop it.
      killSignal: 'SIGKILL',
      ...(opts.signal && { signal: opts.signal }),
      ...(opts.timeoutMs && { timeoutMs: opts.timeoutMs })
    })
    if (timer) poll()
    return {
      exitCode: r.exitCode,
      signal: r.signal,
      cancelled: r.cancelled,
      timedOut: r.timedOut,
      output: r.startError === null ? r.all : `${r.startError}\n${r.all}`,
      durationMs: Date.now() - started
    }
  } finally {
    if (timer) clearInterval(timer)
  }
}
