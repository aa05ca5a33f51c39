/**
 * Runs the analysis-holder workload and analyses it through the real scanner: the helpers the
 * analysis integration tests share.
 */
import { existsSync, readFileSync } from 'node:fs'

import { expect } from 'vitest'

import type {
  Analysis,
  Finding,
  FindingId,
  ProcessInfo,
  ScanResult
} from '../../../electron/common/model'
import { analyze } from '../../../electron/core/analysis/analyze'
import type { AnalysisContext } from '../../../electron/core/analysis/context'
import { scan } from '../../../electron/core/procfs/scan'
import { scanForTree } from '../../../electron/core/procfs/scan-tree'
import { start, startWorkload, workloadPath, type Workload } from '../../support/workloads'

export const ROOT: AnalysisContext = { mode: 'root', uid: 0 }

export interface Holder extends Workload {
  /** Pids of the chain, root first (the root is `pid` unless started through a shell). */
  pids: number[]
}

/** Polls until `check` is true (or throws after the timeout). */
export async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** Waits until the holder closed the fd it reported "ready" on (fd 99). */
async function settle(rootPid: number): Promise<void> {
  await until(() => !existsSync(`/proc/${rootPid}/fd/99`), `pid ${rootPid} to close fd 99`)
}

function pidsOf(line: string): number[] {
  return line.trim().split(/\s+/).slice(1).map(Number)
}

/** Starts analysis-holder with these actions as a child of the test. */
export async function startHolder(actions: string[]): Promise<Holder> {
  const w = await startWorkload('analysis-holder', actions, { ready: /^(ready|error)/ })
  const line = await w.waitFor(/^(ready|error)/)
  if (line.startsWith('error')) {
    await w.stop()
    throw new Error(`analysis-holder ${actions.join(' ')}: ${line}`)
  }
  const pids = pidsOf(line)
  await settle(pids[0]!)
  const stop = async (): Promise<void> => {
    // The chain below the root first: the root reaps them (it ignores SIGCHLD).
    await killPids(pids.slice(1).reverse())
    await w.stop()
  }
  return { ...w, pids, stop }
}

/** Starts `sh -c 'sleep 1000 | analysis-holder ACTIONS'`: a pipe whose writer is outside. */
export async function startHolderAfterPipe(
  actions: string[]
): Promise<Holder & { shellPid: number }> {
  const cmd = `sleep 1000 | ${workloadPath('analysis-holder')} ${actions.join(' ')}`
  const w = await start('sh', ['-c', cmd], { ready: /^(ready|error)/ })
  const line = await w.waitFor(/^(ready|error)/)
  const pids = pidsOf(line)
  if (line.startsWith('error')) throw new Error(line)
  await settle(pids[0]!)
  const stop = async (): Promise<void> => {
    // The shell reaps the holder and sleep when they die; then the shell itself.
    const sleepers = readFileSync(`/proc/${w.pid}/task/${w.pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number)
    await killPids(sleepers)
    await w.stop()
  }
  return { ...w, pids, shellPid: w.pid, stop }
}

/** SIGKILLs pids (not children of the test) and waits until they are gone or zombies. */
export async function killPids(pids: number[]): Promise<void> {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  await until(
    () => pids.every((pid) => stateOf(pid) === 'gone'),
    `pids ${pids.join(',')} to be reaped`
  )
}

function stateOf(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
  } catch {
    return 'gone'
  }
}

/**
 * Scans /proc and analyses the tree of `pid` as root. Each time it also proves that the freeze's
 * scan (scan-tree.ts: full details of the tree only) finds exactly the same, or defers to the
 * full scan where it must.
 */
export function analyzeNow(pid: number, ctx: AnalysisContext = ROOT): Analysis {
  const full = scan()
  const a = analyze(full, pid, ctx)
  expectFreezeScanAgrees(full, a, ctx)
  return a
}

/** scanForTree gives the analysis and the tree's fds of `full`, or null when it must defer. */
export function expectFreezeScanAgrees(full: ScanResult, a: Analysis, ctx: AnalysisContext): void {
  // A tree holding this process: its own fds differ from scan to scan (ss's temporary file).
  if (a.tree.includes(process.pid)) return
  const inTree = (p: ProcessInfo): boolean => a.tree.includes(p.pid)
  const tree = full.processes.filter(inTree)
  const mustDefer =
    tree.length * 2 > full.processes.length ||
    tree.some(
      (p) => p.locks.length > 0 || p.fds.some((fd) => fd.kind === 'pipe' && fd.variant === 'fifo')
    )
  const focused = scanForTree(a.pid)
  if (mustDefer) {
    expect(focused, 'the freeze scan defers to the full scan').toBeNull()
    return
  }
  expect(focused, 'the freeze scan answers by itself').not.toBeNull()
  expect(analyze(focused!, a.pid, ctx)).toEqual(a)
  expect(focused!.processes.filter(inTree).map((p) => p.fds)).toEqual(tree.map((p) => p.fds))
}

/** The distinct finding ids, sorted, for exact comparisons. */
export function ids(a: Analysis): FindingId[] {
  return [...new Set(a.findings.map((f) => f.id))].sort()
}

/** The one finding with this id (fails the test when there are none or several). */
export function only(a: Analysis, id: FindingId): Finding {
  const found = a.findings.filter((f) => f.id === id)
  expect(found, `findings with id ${id}: ${JSON.stringify(a.findings, null, 1)}`).toHaveLength(1)
  return found[0]!
}
