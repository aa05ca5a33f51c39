/**
 * The fixed CRIU command lines of Mode U (security-model.md §5.3), and the setpriv/prlimit wrapper
 * that runs CRIU as the calling user with only the ambient capabilities it needs. Pure: no I/O.
 *
 * The CRIU argv itself comes from the engine's pure builders (one allow-list for both paths) in
 * 'unprivileged' mode, which refuses --tcp-established and --link-remap.
 */
import type { RecordedFlags } from '../common/snapshot'
import { dumpArgv, restoreArgv, type DumpPlan } from '../core/criu/argv'
import type { HelperDumpChoices } from '../core/privilege/protocol'

export const CRIU_PATH = '/usr/sbin/criu'
export const SETPRIV_PATH = '/usr/bin/setpriv'
export const PRLIMIT_PATH = '/usr/bin/prlimit'
/** An empty, root-owned plugin directory: CRIU loads no plugin code in Mode U. */
export const EMPTY_PLUGIN_DIR = '/usr/libexec/icebox/criu-plugins'
/** The only environment the children get. */
export const CHILD_ENV: Readonly<Record<string, string>> = { PATH: '/usr/sbin:/usr/bin' }

/** The dump plan of a Mode U request: only the typed choices, nothing free-form. */
export function helperDumpPlan(
  pid: number,
  startTicks: number,
  tree: number[],
  c: HelperDumpChoices
): DumpPlan {
  return {
    pid,
    startTicks,
    tree,
    leaveRunning: c.keepRunning,
    shellJob: c.shellJob,
    fileLocks: c.fileLocks,
    extUnixSk: c.extUnixSk,
    tcp: c.tcpClose ? 'close' : null,
    networkLock: null,
    linkRemap: false,
    allowUprobes: false,
    ghostLimitBytes: null,
    warnings: []
  }
}

/**
 * `criu dump` into the staging directory (images, work dir and log all there). The tree is left
 * stopped, not killed, unless kept running: the helper ends it once the snapshot is stored
 * (held-tree.ts).
 */
export function unprivDumpArgv(plan: DumpPlan, stagingDir: string): string[] {
  return dumpArgv(
    plan,
    { imagesDir: stagingDir, workDir: stagingDir, pluginDir: EMPTY_PLUGIN_DIR },
    'unprivileged',
    { leaveStopped: true }
  )
}

/** `criu restore` from the (read-only to the user) store copy, working in a fresh user dir. */
export function unprivRestoreArgv(
  flags: RecordedFlags,
  storeDir: string,
  workDir: string
): string[] {
  return restoreArgv(
    { flags },
    { imagesDir: storeDir, workDir, pluginDir: EMPTY_PLUGIN_DIR },
    'unprivileged'
  )
}

/** prlimit options (name, value) that undo the rlimits a caller lowered before pkexec. */
export type RlimitReset = [string, string][]

const RESET: Record<string, string> = {
  'Max open files': 'nofile',
  'Max file size': 'fsize',
  'Max cpu time': 'cpu',
  'Max data size': 'data',
  'Max address space': 'as',
  'Max processes': 'nproc'
}

/**
 * Soft limits go up to the hard limits the helper inherited (root could raise hard limits only
 * with CAP_SYS_RESOURCE, which sandboxes may lack; a lowered hard limit then makes CRIU fail
 * rather than write a short image). Core dumps are off: a crashing CRIU must not leave memory.
 */
export function rlimitReset(procLimits: string): RlimitReset {
  const out: RlimitReset = [['core', '0']]
  for (const line of procLimits.split('\n')) {
    const m = /^(Max [a-z ]+?)\s{2,}(\S+)\s+(\S+)/.exec(line)
    const name = m && RESET[m[1] as string]
    if (!m || !name) continue
    const hard = m[3] === 'unlimited' ? 'unlimited' : /^[0-9]+$/.test(m[3] as string) ? m[3] : null
    if (hard) out.push([name, `${hard}:${hard}`])
  }
  return out
}

export interface AsUser {
  uid: number
  gid: number
}

/**
 * Wraps a CRIU argv: root's prlimit resets the rlimits pkexec passed through from the caller,
 * then setpriv drops to the user (with their current groups) keeping only `caps` as ambient
 * capabilities, then CRIU runs by absolute path.
 */
export function asUserArgv(
  user: AsUser,
  caps: readonly string[],
  criuArgs: readonly string[],
  limits: RlimitReset
): { file: string; args: string[] } {
  const capList = caps.map((c) => `+${c}`).join(',')
  return {
    file: PRLIMIT_PATH,
    args: [
      ...limits.map(([name, value]) => `--${name}=${value}`),
      '--',
      SETPRIV_PATH,
      '--reuid',
      String(user.uid),
      '--regid',
      String(user.gid),
      '--init-groups',
      '--inh-caps',
      `-all,${capList}`,
      '--ambient-caps',
      `-all,${capList}`,
      '--',
      CRIU_PATH,
      ...criuArgs
    ]
  }
}

/** Capabilities for a dump: CAP_SYS_PTRACE only when Yama restricts ptrace (scope ≥ 1). */
export function dumpCaps(yamaScope: number | null): string[] {
  return yamaScope !== null && yamaScope >= 1
    ? ['checkpoint_restore', 'sys_ptrace']
    : ['checkpoint_restore']
}

/** Capabilities for a restore: CAP_CHECKPOINT_RESTORE plus the admin's opt-in extras. */
export function restoreCaps(extra: readonly 'setpcap'[]): string[] {
  return ['checkpoint_restore', ...extra]
}
