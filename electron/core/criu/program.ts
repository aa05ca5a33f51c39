/**
 * Runs a program with an argv array (never a shell) and collects its output: what the engine
 * needs of a child process (criu, tmux), on node:child_process alone. execa did the same, but
 * loading it was half of the code `icebox freeze` and `icebox restore` compiled at start-up
 * (bench/freeze).
 */
import { spawn } from 'node:child_process'

export interface ProgramOptions {
  /** The whole environment of the program (nothing is inherited). */
  env: Readonly<Record<string, string>>
  /** Kill the program after this long (then `timedOut`). */
  timeoutMs?: number
  /** Aborting kills the program (then `cancelled`). */
  signal?: AbortSignal
  /** How a timeout or a cancel kills it; default SIGTERM, then SIGKILL 5 s later. */
  killSignal?: NodeJS.Signals
}

export interface ProgramResult {
  /** null when it was killed by a signal or could not be started. */
  exitCode: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** stdout and stderr interleaved as they came. */
  all: string
  timedOut: boolean
  cancelled: boolean
  /** Why it could not be started (ENOENT, EACCES …), else null. */
  startError: string | null
}

/** Output kept per stream; a runaway program must not fill the memory. */
export const MAX_OUTPUT_BYTES = 16 * 1024 * 1024
const FORCE_KILL_AFTER_MS = 5000

/** Runs `file` to the end; never throws (inspect the result). stdin is /dev/null. */
export function runProgram(
  file: string,
  args: readonly string[],
  opts: ProgramOptions
): Promise<ProgramResult> {
  return new Promise((resolve) => {
    const out: Buffer[] = []
    const err: Buffer[] = []
    const all: Buffer[] = []
    let outBytes = 0
    let errBytes = 0
    let timedOut = false
    let cancelled = false
    let startError: string | null = null
    let forceTimer: NodeJS.Timeout | undefined
    const child = spawn(file, args, { env: { ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] })
    const kill = (): void => {
      const sig = opts.killSignal ?? 'SIGTERM'
      child.kill(sig)
      if (sig !== 'SIGKILL' && !forceTimer) {
        forceTimer = setTimeout(() => child.kill('SIGKILL'), FORCE_KILL_AFTER_MS)
        forceTimer.unref()
      }
    }
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true
            kill()
          }, opts.timeoutMs)
    const onAbort = (): void => {
      cancelled = true
      kill()
    }
    if (opts.signal?.aborted) onAbort()
    else opts.signal?.addEventListener('abort', onAbort, { once: true })
    child.stdout.on('data', (b: Buffer) => {
      if (outBytes >= MAX_OUTPUT_BYTES) return
      outBytes += b.length
      out.push(b)
      all.push(b)
    })
    child.stderr.on('data', (b: Buffer) => {
      if (errBytes >= MAX_OUTPUT_BYTES) return
      errBytes += b.length
      err.push(b)
      all.push(b)
    })
    child.once('error', (e: NodeJS.ErrnoException) => {
      // Only a failed start reaches 'close' without an exit; later errors (a failed kill) do not
      // change the outcome.
      if (child.pid === undefined) startError = e.code ?? e.message
    })
    child.once('close', (code, sig) => {
      clearTimeout(timer)
      clearTimeout(forceTimer)
      opts.signal?.removeEventListener('abort', onAbort)
      resolve({
        exitCode: startError === null ? code : null,
        signal: sig,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        all: Buffer.concat(all).toString('utf8'),
        timedOut,
        cancelled,
        startError
      })
    })
  })
}
