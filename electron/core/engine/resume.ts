/**
 * After a failed dump CRIU normally resumes the processes. This checks that they run, and
 * continues any that CRIU left stopped (only those that were not stopped before the dump).
 */
import { readPidStat } from './proc'

export interface StillRunning {
  /** The root (first pid) runs (not gone, not a zombie). */
  running: boolean
  /** Pids Icebox sent SIGCONT because CRIU left them stopped. */
  resumed: number[]
  gone: number[]
  /** One sentence for the person. */
  summary: string
}

const STOPPED = new Set(['T', 't'])

/** Checks the tree after a failed dump; `before` holds each pid's state before criu ran. */
export function checkStillRunning(
  tree: number[],
  before: Map<number, string | null>
): StillRunning {
  const resumed: number[] = []
  const gone: number[] = []
  for (const pid of tree) {
    const st = readPidStat(pid)
    if (!st || st.state === 'Z' || st.state === 'X') {
      gone.push(pid)
      continue
    }
    const was = before.get(pid) ?? null
    if (STOPPED.has(st.state) && (was === null || !STOPPED.has(was))) {
      try {
        process.kill(pid, 'SIGCONT')
        resumed.push(pid)
      } catch {
        // It may have exited in between.
      }
    }
  }
  const root = tree[0]
  const running = root !== undefined && !gone.includes(root)
  const parts: string[] = []
  if (running) parts.push(`Process ${root} is still running; nothing was changed.`)
  else parts.push(`Process ${root} is no longer running.`)
  if (resumed.length > 0)
    parts.push(`Icebox resumed ${resumed.join(', ')}, which CRIU had left stopped.`)
  const lost = gone.filter((p) => p !== root)
  if (lost.length > 0) parts.push(`Gone: ${lost.join(', ')}.`)
  return { running, resumed, gone, summary: parts.join(' ') }
}
