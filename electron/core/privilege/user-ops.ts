/**
 * Freeze, restore and delete for a non-root user (Mode U): the same operations as the engine's
 * root path, carried out by the polkit helper. The CLI and the app call these when
 * `choosePrivilegePath()` says 'helper'; the user then reads the result straight from the store
 * (/var/lib/icebox/images/UID) through its ACL, without a prompt.
 */
import { AppError } from '../../common/errors'
import type { DumpPlan } from '../criu/argv'
import type { DumpResult, HelperDumpChoices, RestoreResult } from './protocol'
import { runHelper, type RunHelperOptions } from './path'

/** The helper's typed choices for an engine plan; refuses what only root can do. */
export function helperChoicesFor(plan: DumpPlan): HelperDumpChoices {
  if (plan.tcp === 'established') {
    throw new AppError({
      code: 'NOT_FREEZABLE',
      message: 'Keeping established TCP connections needs root.',
      why: 'Without root, CRIU cannot repair TCP connections (docs: Mode U).',
      remedy:
        'Use --tcp-close (connections are dropped; the program sees them closed after restore), or run "sudo icebox freeze".'
    })
  }
  if (plan.linkRemap || plan.allowUprobes || plan.ghostLimitBytes !== null) {
    throw new AppError({
      code: 'NOT_FREEZABLE',
      message:
        'This freeze needs options the helper does not offer (link-remap, uprobes or a larger deleted-file limit).',
      remedy: 'Run "sudo icebox freeze" if you administer this machine.'
    })
  }
  return {
    keepRunning: plan.leaveRunning,
    tcpClose: plan.tcp === 'close',
    extUnixSk: plan.extUnixSk,
    fileLocks: plan.fileLocks,
    shellJob: plan.shellJob
  }
}

/** Freezes `plan.pid` through pkexec and the helper. */
export function freezeViaHelper(
  plan: DumpPlan,
  startTicks: number,
  name: string | undefined,
  opts: RunHelperOptions = {}
): Promise<DumpResult> {
  const choices = helperChoicesFor(plan)
  // The helper accepts only [A-Za-z0-9 ._-] names; anything else becomes a safe label.
  const label = name?.replace(/[^A-Za-z0-9 ._-]/g, '_').slice(0, 64)
  return runHelper(
    'dump',
    { op: 'dump', pid: plan.pid, startTicks, choices, ...(label && { name: label }) },
    opts
  )
}

export function restoreViaHelper(id: string, opts: RunHelperOptions = {}): Promise<RestoreResult> {
  return runHelper('restore', { op: 'restore', id }, opts)
}

export async function removeViaHelper(id: string, opts: RunHelperOptions = {}): Promise<void> {
  await runHelper('delete', { op: 'delete', id }, opts)
}
