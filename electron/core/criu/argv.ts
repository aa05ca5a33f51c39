/**
 * CRIU command lines, built from a typed plan or a manifest's recorded flags. Pure: no I/O, so
 * the root path (the engine) and the unprivileged path (the helper) share one allow-list.
 * Nothing free-form ever reaches criu: every flag here comes from a boolean or a validated number.
 */
import { AppError } from '../../common/errors'
import type { Manifest, NetworkLock, RecordedFlags } from '../../common/snapshot'

/** Root runs criu as itself; unprivileged runs `criu --unprivileged` as the user (Mode U). */
export type CriuMode = 'root' | 'unprivileged'

/** Everything a dump plan decides; built by plan.ts from findings and choices. */
export interface DumpPlan {
  pid: number
  /** stat field 22 seen when the plan was made (pid reuse guard), or null if not known. */
  startTicks: number | null
  /** The pids CRIU will take (the process and its descendants). */
  tree: number[]
  leaveRunning: boolean
  shellJob: boolean
  fileLocks: boolean
  extUnixSk: boolean
  tcp: 'established' | 'close' | null
  networkLock: NetworkLock | null
  linkRemap: boolean
  allowUprobes: boolean
  /** Bytes, or null for CRIU's default (1 MiB). */
  ghostLimitBytes: number | null
  /** Silent hazards to show before the dump. */
  warnings: string[]
}

export interface CriuDirs {
  /** The images directory (-D). */
  imagesDir: string
  /** Work directory for logs and pidfile (-W); defaults to imagesDir when absent. */
  workDir?: string
  /** Absolute pidfile path for restore (root task pid is written there). */
  pidfile?: string
  /** Plugin directory (-L); the helper passes a fixed empty one. */
  pluginDir?: string
}

export const DUMP_LOG = 'dump.log'
export const RESTORE_LOG = 'restore.log'
/** Largest --ghost-limit Icebox passes (bigger deleted files are better kept out). */
export const MAX_GHOST_LIMIT = 4 * 1024 * 1024 * 1024

function refuse(message: string): never {
  throw new AppError({
    code: 'BAD_INPUT',
    message,
    why: 'Unprivileged CRIU cannot do this; it needs Icebox running as root.',
    remedy: 'Drop the option, or run the freeze as root (sudo icebox freeze …).'
  })
}

/** Validated --ghost-limit value in bytes, as criu parses it (a plain number is bytes). */
function ghostLimitArg(bytes: number): string {
  if (!Number.isSafeInteger(bytes) || bytes <= 0 || bytes > MAX_GHOST_LIMIT) {
    throw new AppError({
      code: 'BAD_INPUT',
      message: `The deleted-file limit ${bytes} is not a size Icebox accepts.`,
      remedy: `Use a whole number of bytes between 1 and ${MAX_GHOST_LIMIT}.`
    })
  }
  return String(bytes)
}

function commonHead(dirs: CriuDirs, mode: CriuMode): string[] {
  const argv = ['--no-default-config']
  if (mode === 'unprivileged') argv.push('--unprivileged')
  if (dirs.pluginDir) argv.push('-L', dirs.pluginDir)
  argv.push('-D', dirs.imagesDir)
  if (dirs.workDir) argv.push('-W', dirs.workDir)
  return argv
}

/** Flags that must be the same on dump and restore (criu-in-practice R2, R10, R14, -l hazard). */
function sharedFlags(f: {
  shellJob: boolean
  fileLocks: boolean
  extUnixSk: boolean
  tcp: 'established' | 'close' | null
  networkLock: NetworkLock | null
  allowUprobes: boolean
}): string[] {
  const argv: string[] = []
  if (f.shellJob) argv.push('--shell-job')
  if (f.fileLocks) argv.push('--file-locks')
  if (f.extUnixSk) argv.push('--ext-unix-sk')
  if (f.tcp === 'established') argv.push('--tcp-established')
  if (f.tcp === 'close') argv.push('--tcp-close')
  if (f.tcp === 'established' && f.networkLock) argv.push('--network-lock', f.networkLock)
  if (f.allowUprobes) argv.push('--allow-uprobes')
  return argv
}

/**
 * `criu dump …` argv (without the criu binary) for a plan. `leaveStopped`: unless the plan keeps
 * the tree running, CRIU leaves it stopped instead of killing it, for a caller that decides its
 * fate only once the images are stored (the helper: helper/held-tree.ts).
 */
export function dumpArgv(
  plan: DumpPlan,
  dirs: CriuDirs,
  mode: CriuMode,
  { leaveStopped = false }: { leaveStopped?: boolean } = {}
): string[] {
  if (!Number.isSafeInteger(plan.pid) || plan.pid <= 1) {
    throw new AppError({ code: 'BAD_INPUT', message: `${plan.pid} is not a pid Icebox can dump.` })
  }
  if (mode === 'unprivileged') {
    if (plan.tcp === 'established')
      refuse('Keeping TCP connections (--tcp-established) needs root.')
    if (plan.linkRemap) refuse('--link-remap is not allowed for unprivileged dumps.')
  }
  const argv = ['dump', ...commonHead(dirs, mode), '-t', String(plan.pid)]
  argv.push('-v4', '-o', DUMP_LOG, '--display-stats')
  if (plan.leaveRunning) argv.push('--leave-running')
  else if (leaveStopped) argv.push('--leave-stopped')
  argv.push(...sharedFlags(plan))
  if (plan.linkRemap) argv.push('--link-remap')
  if (plan.ghostLimitBytes !== null) argv.push('--ghost-limit', ghostLimitArg(plan.ghostLimitBytes))
  return argv
}

/**
 * `criu restore -d …` argv (without the binary), reusing the flags recorded at dump time.
 * `detach: false` leaves out -d: criu then stays as the parent of the restored tree (used for a
 * restore into a terminal, engine/terminal.ts).
 */
export function restoreArgv(
  manifest: { flags: RecordedFlags } | Pick<Manifest, 'flags'>,
  dirs: CriuDirs,
  mode: CriuMode,
  { detach = true }: { detach?: boolean } = {}
): string[] {
  const f = manifest.flags
  if (mode === 'unprivileged' && f.tcp === 'established') {
    refuse('Restoring kept TCP connections (--tcp-established) needs root.')
  }
  const argv = ['restore', ...commonHead(dirs, mode), ...(detach ? ['-d'] : []), '-v4']
  argv.push('-o', RESTORE_LOG)
  argv.push('--display-stats')
  if (dirs.pidfile) argv.push('--pidfile', dirs.pidfile)
  argv.push(...sharedFlags(f))
  return argv
}

/** The flags of a plan as they are recorded in the manifest. */
export function recordFlags(plan: DumpPlan, argv: string[]): RecordedFlags {
  return {
    shellJob: plan.shellJob,
    fileLocks: plan.fileLocks,
    extUnixSk: plan.extUnixSk,
    tcp: plan.tcp,
    networkLock: plan.networkLock,
    linkRemap: plan.linkRemap,
    allowUprobes: plan.allowUprobes,
    ghostLimitBytes: plan.ghostLimitBytes,
    leaveRunning: plan.leaveRunning,
    argv
  }
}
