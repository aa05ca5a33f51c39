/**
 * What happens to the dumped tree after CRIU, in Mode U. Left to CRIU, a dump without
 * --keep-running kills the tree as soon as the images are written, before the helper has checked
 * and stored them, so a refusal at ingest (the quota, an image check) lost the process. The
 * helper runs CRIU with --leave-stopped instead, and ends the tree only once the snapshot is
 * stored, or lets it run on when it is not (security-model.md §4.7: check during ingest, and abort
 * without harm).
 *
 * Signals go through setpriv as the user, with no capabilities, and only to pids whose start time
 * is still the one checked before the dump: a pid reused in between can at worst be one of the
 * user's own processes, never someone else's.
 */
import { SETPRIV_PATH, type AsUser } from './criu-argv'
import { sameProcess } from './proc-check'
import { runChild } from './run'

export const KILL_PATH = '/bin/kill'

/** A process of the dumped tree as the helper saw it before CRIU ran. */
export interface HeldTask {
  pid: number
  startTicks: number
  /** Already stopped (T/t) before the dump: the user stopped it, so it is not continued. */
  stoppedBefore: boolean
}

export type HoldSignal = 'KILL' | 'CONT'

/** setpriv … kill -s SIG -- PIDS as the user, with no capabilities. Pure. */
export function signalArgv(
  user: AsUser,
  signal: HoldSignal,
  pids: readonly number[]
): { file: string; args: string[] } {
  return {
    file: SETPRIV_PATH,
    args: [
      '--reuid',
      String(user.uid),
      '--regid',
      String(user.gid),
      '--clear-groups',
      '--inh-caps',
      '-all',
      '--',
      KILL_PATH,
      '-s',
      signal,
      '--',
      ...pids.map(String)
    ]
  }
}

/** The tasks that are still the processes that were checked (same start time). */
function stillThere(tasks: readonly HeldTask[]): HeldTask[] {
  return tasks.filter((t) => sameProcess(t.pid, t.startTicks))
}

async function signalTasks(user: AsUser, signal: HoldSignal, pids: number[]): Promise<void> {
  if (pids.length === 0) return
  const { file, args } = signalArgv(user, signal, pids)
  // kill(1) exits 1 when one of the pids has gone meanwhile; the others still got the signal.
  await runChild(file, args, 10_000)
}

/** The snapshot is stored: end the tree CRIU left stopped (what CRIU would have done). */
export async function endHeldTree(user: AsUser, tasks: readonly HeldTask[]): Promise<void> {
  await signalTasks(
    user,
    'KILL',
    stillThere(tasks).map((t) => t.pid)
  )
}

/** Nothing was stored: let the tree run on as before the dump. */
export async function resumeHeldTree(user: AsUser, tasks: readonly HeldTask[]): Promise<void> {
  const running = stillThere(tasks).filter((t) => !t.stoppedBefore)
  await signalTasks(
    user,
    'CONT',
    running.map((t) => t.pid)
  )
}
