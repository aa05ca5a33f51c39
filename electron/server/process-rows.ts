/**
 * Pure conversions from the scanner's model and the analysis to the contract's rows.
 */
import type { ExplainedFinding, ProcessRow, ResourceCounts } from '../common/api-types'
import type { Analysis, Finding, PeerRef, ProcessInfo, ScanResult } from '../common/model'

const COMMAND_MAX = 300
/** Devices every process has and CRIU handles; not worth a red "dev" in the table. */
const ORDINARY_DEVICE = /^\/dev\/(null|zero|full|random|urandom|tty\d*|ptmx|pts\/\d+|console)$/

/**
 * Counts the fds and locks the table shows in its "resources" column (devices: only the ones
 * that matter to CRIU, not /dev/null and terminals).
 */
export function countResources(p: ProcessInfo): ResourceCounts {
  const c: ResourceCounts = { files: 0, pipes: 0, sockets: 0, locks: p.locks.length, devices: 0 }
  for (const fd of p.fds) {
    if (fd.kind === 'file' || fd.kind === 'memfd') c.files++
    else if (fd.kind === 'pipe') c.pipes++
    else if (fd.kind === 'socket') c.sockets++
    else if (fd.kind === 'device' && !ORDINARY_DEVICE.test(fd.path)) c.devices++
  }
  return c
}

/** One table row from a process and its analysis (analysis may be missing for a racing pid). */
export function toRow(p: ProcessInfo, a: Analysis | undefined): ProcessRow {
  const findings = a?.findings ?? []
  const ids = [...new Set(findings.map((f) => f.id))]
  const reasons = findings
    .filter((f) => f.severity === 'blocker' || f.severity === 'needs-option')
    .map((f) => reasonLine(f))
  return {
    pid: p.pid,
    ppid: p.ppid,
    name: p.name,
    command: p.cmdline.join(' ').slice(0, COMMAND_MAX),
    user: p.user,
    uid: p.uid,
    state: p.state,
    startTime: p.startTime,
    startTicks: p.startTicks,
    rssBytes: p.rssBytes,
    threads: p.threads,
    kernelThread: p.kernelThread,
    counts: countResources(p),
    verdict: a?.verdict ?? 'blocked',
    findingIds: ids,
    reasons: [...new Set(reasons)]
  }
}

function reasonLine(f: Finding): string {
  const first = f.message.split(/(?<=\.)\s/)[0] ?? f.message
  return f.pid ? `${first} (pid ${f.pid})` : first
}

/** Rows for every scanned process. */
export function toRows(scan: ScanResult, analyses: Map<number, Analysis>): ProcessRow[] {
  return scan.processes.map((p) => toRow(p, analyses.get(p.pid)))
}

/** What Icebox does about a finding, in words, shown beside it in Details and the dialog. */
export function findingAction(f: Finding): string {
  switch (f.severity) {
    case 'blocker':
      return 'Icebox will not freeze this tree until this is resolved.'
    case 'needs-option':
      return f.option
        ? `Icebox adds ${f.option} to the criu command${
            f.alternatives?.length ? ` (alternative: ${f.alternatives.join(', ')})` : ''
          }; you can change it in the Freeze dialog.`
        : 'Icebox sets the matching option in the Freeze dialog.'
    case 'warning':
      return 'Icebox freezes anyway; read this before you restore.'
    default:
      return 'Nothing to do; for your information.'
  }
}

/** Findings with the action text attached. */
export function explainFindings(findings: Finding[]): ExplainedFinding[] {
  return findings.map((f) => ({ ...f, action: findingAction(f) }))
}

/** Processes outside `tree` holding the other end of a pipe or unix socket of the tree. */
export function externalPeers(scan: ScanResult, tree: number[]): PeerRef[] {
  const inTree = new Set(tree)
  const seen = new Map<number, PeerRef>()
  for (const p of scan.processes) {
    if (!inTree.has(p.pid)) continue
    for (const fd of p.fds) {
      if (fd.kind !== 'pipe' && fd.kind !== 'socket') continue
      for (const peer of fd.peers) {
        if (!inTree.has(peer.pid) && !seen.has(peer.pid)) seen.set(peer.pid, peer)
      }
    }
  }
  return [...seen.values()].sort((a, b) => a.pid - b.pid)
}
