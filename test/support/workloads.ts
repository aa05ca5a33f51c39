/**
 * Starts workload programs as children of the test process (so they are reaped here and their
 * pids free up quickly: PID 1 on these machines may leave orphans unreaped) and waits for them
 * to say they are ready.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

import { WORKLOAD_BIN } from './global-setup'

export interface Workload {
  pid: number
  child: ChildProcess
  /** Lines printed on stdout so far. */
  lines: string[]
  /** Waits for a stdout line matching the pattern. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>
  /** SIGKILLs the process (if still there) and waits until it is reaped. */
  stop(): Promise<void>
}

export function workloadPath(name: string): string {
  return join(WORKLOAD_BIN, name)
}

/**
 * Spawns a command and resolves once its stdout printed a line matching `ready`
 * (default: /ready/).
 */
export async function start(
  command: string,
  args: string[] = [],
  opts: SpawnOptions & { ready?: RegExp | null; timeoutMs?: number } = {}
): Promise<Workload> {
  const { ready = /ready/, timeoutMs = 10_000, ...spawnOpts } = opts
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'], ...spawnOpts })
  const lines: string[] = []
  const waiters: Array<{ re: RegExp; resolve: (l: string) => void }> = []
  let buf = ''
  child.stdout?.setEncoding('utf8')
  child.stdout?.on('data', (chunk: string) => {
    buf += chunk
    let i: number
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i)
      buf = buf.slice(i + 1)
      lines.push(line)
      for (const w of [...waiters]) {
        if (w.re.test(line)) {
          waiters.splice(waiters.indexOf(w), 1)
          w.resolve(line)
        }
      }
    }
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))

  const waitFor = (re: RegExp, ms = timeoutMs): Promise<string> => {
    const seen = lines.find((l) => re.test(l))
    if (seen !== undefined) return Promise.resolve(seen)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`workload ${command} did not print ${re} within ${ms} ms`)),
        ms
      )
      waiters.push({
        re,
        resolve: (l) => {
          clearTimeout(timer)
          resolve(l)
        }
      })
    })
  }

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  }

  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve())
    child.once('error', reject)
  })
  if (ready) await waitFor(ready)
  return { pid: child.pid!, child, lines, waitFor, stop }
}

/** Starts a compiled workload from test/workloads/bin. */
export function startWorkload(
  name: string,
  args: string[] = [],
  opts: Parameters<typeof start>[2] = {}
): Promise<Workload> {
  return start(workloadPath(name), args, opts)
}

/** Waits until /proc/PID is gone (the pid is free for a restore). */
export async function waitForPidGone(pid: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (existsSync(`/proc/${pid}`)) {
    if (Date.now() > deadline) throw new Error(`pid ${pid} still exists after ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
