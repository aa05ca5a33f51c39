/**
 * The one place where Icebox decides how criu runs. Today: directly, as root (Mode R). The
 * privileged-helper path (Mode U, electron/core/privilege) plugs in here.
 */
import { join } from 'node:path'

import type { Manifest } from '../../common/snapshot'
import { dumpArgv, DUMP_LOG, restoreArgv, RESTORE_LOG, type DumpPlan } from '../criu/argv'
import { runCriu, type CriuProgress, type CriuRunResult } from '../criu/run'

export interface RunHooks {
  onProgress?: (p: CriuProgress) => void
  signal?: AbortSignal
  timeoutMs?: number
}

export interface RunOutcome {
  /** The criu argv after the binary, as run. */
  argv: string[]
  result: CriuRunResult
  logPath: string
}

/** Default limit for one criu run: generous, a 1 GiB dump takes seconds. */
export const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000

/** Runs `criu dump` for a plan into `imagesDir` (log: imagesDir/dump.log). */
export async function runDump(
  criuPath: string,
  plan: DumpPlan,
  imagesDir: string,
  hooks: RunHooks = {}
): Promise<RunOutcome> {
  const argv = dumpArgv(plan, { imagesDir }, 'root')
  const logPath = join(imagesDir, DUMP_LOG)
  const result = await runCriu({
    criuPath,
    argv,
    phase: 'dump',
    logPath,
    imagesDir,
    timeoutMs: hooks.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    ...(hooks.signal && { signal: hooks.signal }),
    ...(hooks.onProgress && { onProgress: hooks.onProgress })
  })
  return { argv, result, logPath }
}

/** Runs `criu restore -d` of a stored snapshot with the flags of its dump. */
export async function runRestore(
  criuPath: string,
  manifest: Manifest,
  imagesDir: string,
  pidfile: string,
  hooks: RunHooks = {}
): Promise<RunOutcome> {
  const argv = restoreArgv(manifest, { imagesDir, pidfile }, 'root')
  const logPath = join(imagesDir, RESTORE_LOG)
  const result = await runCriu({
    criuPath,
    argv,
    phase: 'restore',
    logPath,
    imagesDir,
    timeoutMs: hooks.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    ...(hooks.signal && { signal: hooks.signal }),
    ...(hooks.onProgress && { onProgress: hooks.onProgress })
  })
  return { argv, result, logPath }
}
