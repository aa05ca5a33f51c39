/**
 * Turns the analysis of a tree and the person's choices into a typed DumpPlan. Pure.
 *
 * Flags come only from the allow-list in argv.ts. A blocked tree is refused with its reasons;
 * flags a finding asks for are added unless the person explicitly said no (then CRIU refuses and
 * the explainer says why, which is how the "refused without the flag" path stays honest).
 */
import { AppError } from '../../common/errors'
import type { Analysis, Finding, ProcessInfo } from '../../common/model'
import type { DumpChoices, NetworkLock } from '../../common/snapshot'
import type { CriuMode, DumpPlan } from './argv'
import { MAX_GHOST_LIMIT } from './argv'

/** CRIU's built-in --ghost-limit. */
export const DEFAULT_GHOST_LIMIT = 1024 * 1024
const MiB = 1024 * 1024

export interface PlanInput {
  analysis: Analysis
  /** The processes of `analysis.tree`, as scanned. */
  tree: ProcessInfo[]
  choices: DumpChoices
  startTicks: number | null
  /** Which network-lock methods work here (from the probe). */
  networkLocks: { nftables: boolean; iptables: boolean }
  mode: CriuMode
}

function has(findings: Finding[], id: Finding['id'], option?: string): boolean {
  return findings.some((f) => f.id === id && (option === undefined || f.option === option))
}

/** Bytes of the largest deleted-but-open regular file in the tree (0 when none). */
export function largestDeletedFile(tree: ProcessInfo[]): number {
  let largest = 0
  for (const p of tree) {
    for (const fd of p.fds) {
      if (fd.kind === 'file' && fd.deleted && fd.size !== null) largest = Math.max(largest, fd.size)
    }
  }
  return largest
}

/** A --ghost-limit that fits the largest deleted file with 1 MiB to spare, or null if 1 MiB does. */
export function ghostLimitFor(largest: number): number | null {
  if (largest <= DEFAULT_GHOST_LIMIT) return null
  return Math.min(MAX_GHOST_LIMIT, (Math.ceil(largest / MiB) + 1) * MiB)
}

/** Blockers named in full in a refusal; the rest are counted (a tree can have thousands). */
const BLOCKERS_SHOWN = 3
/** Blockers the error's detail (the UI's "full log") lists with their evidence. */
const BLOCKERS_IN_DETAIL = 50

function refuseBlocked(analysis: Analysis): never {
  const blockers = analysis.findings.filter((f) => f.severity === 'blocker')
  const shown = blockers.slice(0, BLOCKERS_SHOWN).map((f) => f.message)
  const more = blockers.length - shown.length
  if (more > 0) shown.push(`(And ${more} more: \`icebox check ${analysis.pid}\` lists them all.)`)
  throw new AppError({
    code: 'NOT_FREEZABLE',
    message: `Process ${analysis.pid} cannot be frozen (${blockers.length} problem${blockers.length === 1 ? '' : 's'}).`,
    why: shown.join(' '),
    remedy:
      'Fix the problems named here (or freeze a parent that includes the other side), then try ' +
      'again.',
    detail: blockers
      .slice(0, BLOCKERS_IN_DETAIL)
      .flatMap((f) => [`[${f.id}] pid ${f.pid}`, ...f.evidence.map((e) => `  ${e}`)])
      .concat(
        blockers.length > BLOCKERS_IN_DETAIL
          ? [`… ${blockers.length - BLOCKERS_IN_DETAIL} more`]
          : []
      )
      .join('\n')
  })
}

function decideTcp(input: PlanInput): DumpPlan['tcp'] {
  const needed = has(input.analysis.findings, 'tcp-established')
  const chosen = input.choices.tcp
  if (!needed) return chosen ?? null
  if (chosen === undefined) {
    if (input.mode === 'unprivileged') return 'close'
    throw new AppError({
      code: 'BAD_INPUT',
      message: 'The process has open TCP connections: choose what happens to them.',
      why:
        'Keeping them (--tcp-established) blocks their traffic until the restore, which must ' +
        'happen on this machine and works once; closing them (--tcp-close) makes the program ' +
        'see them dropped after restore.',
      remedy: 'Run the freeze again with --tcp-established or --tcp-close.'
    })
  }
  return chosen
}

function decideNetworkLock(
  tcp: DumpPlan['tcp'],
  locks: PlanInput['networkLocks']
): NetworkLock | null {
  if (tcp !== 'established') return null
  if (locks.nftables) return 'nftables'
  if (locks.iptables) return 'iptables'
  throw new AppError({
    code: 'CRIU_FAILED',
    message: 'CRIU cannot lock the network here, so TCP connections cannot be kept.',
    why: 'Neither nftables support (criu check --feature network_lock_nftables) nor the iptables-restore tool is available.',
    remedy: 'Use --tcp-close, or install nftables/iptables support for CRIU.'
  })
}

/** Auto decision: a needed flag is on unless explicitly refused. */
function auto(needed: boolean, choice: boolean | undefined): boolean {
  return choice ?? needed
}

function hazards(input: PlanInput, plan: Omit<DumpPlan, 'warnings'>): string[] {
  const f = input.analysis.findings
  const warnings: string[] = []
  for (const finding of f) {
    if (finding.id === 'external-pipe' || finding.id === 'inotify') warnings.push(finding.message)
  }
  if (plan.leaveRunning) {
    warnings.push(
      'The process keeps running after the snapshot, so it and the snapshot diverge (files, ' +
        'connections). Restoring needs the original to be closed first: it holds the same pid.'
    )
  }
  if (plan.linkRemap) {
    warnings.push(
      '--link-remap creates link_remap.N files next to deleted files on your disk; they stay ' +
        'there until removed.'
    )
  }
  if (plan.tcp === 'established') {
    warnings.push(
      'The kept TCP connections are blocked by a network lock until the snapshot is restored, ' +
        'and the snapshot can be restored only once.'
    )
  }
  const offered: Array<[boolean, boolean | undefined, string]> = [
    [has(f, 'file-lock'), input.choices.fileLocks, '--file-locks'],
    [has(f, 'external-unix-socket', '--ext-unix-sk'), input.choices.extUnixSk, '--ext-unix-sk'],
    [has(f, 'tty'), input.choices.shellJob, '--shell-job']
  ]
  for (const [needed, choice, flag] of offered) {
    if (needed && choice === false) {
      warnings.push(
        `${flag} was left out although the analysis asks for it: CRIU will likely refuse.`
      )
    }
  }
  return warnings
}

/**
 * Builds the dump plan.
 * @throws AppError NOT_FREEZABLE for a blocked tree (listing the blockers); BAD_INPUT when a
 *   needed choice is missing or not allowed in this mode.
 */
export function planDump(input: PlanInput): DumpPlan {
  const { analysis, choices } = input
  if (analysis.verdict === 'blocked') refuseBlocked(analysis)
  const f = analysis.findings
  const tcp = decideTcp(input)
  if (tcp === 'established' && input.mode === 'unprivileged') {
    throw new AppError({
      code: 'BAD_INPUT',
      message: 'Keeping TCP connections needs Icebox to run as root.',
      why: 'CRIU repairs the sockets and locks the network with firewall rules, which needs root.',
      remedy: 'Use --tcp-close, or run the freeze as root.'
    })
  }
  const ghostAuto = ghostLimitFor(largestDeletedFile(input.tree))
  const base: Omit<DumpPlan, 'warnings'> = {
    pid: analysis.pid,
    startTicks: input.startTicks,
    tree: [...analysis.tree],
    leaveRunning: choices.keepRunning ?? false,
    shellJob: auto(has(f, 'tty'), choices.shellJob),
    fileLocks: auto(has(f, 'file-lock'), choices.fileLocks),
    extUnixSk: auto(has(f, 'external-unix-socket', '--ext-unix-sk'), choices.extUnixSk),
    tcp,
    networkLock: decideNetworkLock(tcp, input.networkLocks),
    linkRemap: choices.linkRemap ?? false,
    allowUprobes: has(f, 'uprobes'),
    ghostLimitBytes: choices.ghostLimitBytes ?? ghostAuto
  }
  return { ...base, warnings: hazards(input, base) }
}
