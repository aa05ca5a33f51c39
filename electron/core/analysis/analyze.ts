/**
 * Freezability analysis: runs the rules catalogue over the tree CRIU would take and turns the
 * findings into a verdict and the criu options they imply.
 */
import { AppError } from '../../common/errors'
import type {
  Analysis,
  CriuOption,
  Finding,
  ProcessInfo,
  ScanResult,
  Severity,
  Verdict
} from '../../common/model'
import type { AnalysisContext } from './context'
import type { RuleContext } from './rule'
import { kernelThreadRule } from './rules/kernel-thread'
import { RULES } from './rules/index'
import { collectTree, indexScan, type ScanIndex } from './tree'

const SEVERITY_ORDER: Record<Severity, number> = {
  blocker: 0,
  'needs-option': 1,
  warning: 2,
  info: 3
}

/** blocked if any blocker, else needs-options if any needs-option, else freezable. */
export function verdictOf(findings: readonly Finding[]): Verdict {
  if (findings.some((f) => f.severity === 'blocker')) return 'blocked'
  if (findings.some((f) => f.severity === 'needs-option')) return 'needs-options'
  return 'freezable'
}

/** The first-choice flag of every needs-option finding, each once, in finding order. */
export function optionsOf(findings: readonly Finding[]): CriuOption[] {
  const options: CriuOption[] = []
  for (const f of findings) {
    if (f.severity === 'needs-option' && f.option && !options.includes(f.option)) {
      options.push(f.option)
    }
  }
  return options
}

function analyzeIndexed(
  scan: ScanResult,
  index: ScanIndex,
  root: ProcessInfo,
  context: AnalysisContext,
  memo: RuleContext['memo']
): Analysis {
  const tree = collectTree(root, index)
  const ctx: RuleContext = {
    root,
    tree,
    treePids: new Set(tree.map((p) => p.pid)),
    byPid: index.byPid,
    lockHolders: index.lockHolders,
    range: { lo: index.order.enter.get(root.pid)!, hi: index.order.exit.get(root.pid)! },
    pipeHolders: index.pipeHolders,
    socketHolders: index.socketHolders,
    socketByInode: index.socketByInode,
    context,
    selfPid: scan.selfPid,
    ssAvailable: scan.ssAvailable,
    memo
  }
  // A kernel thread is not a program: everything else said about it would be noise.
  const rules = root.kernelThread ? [kernelThreadRule] : RULES
  const findings = rules.flatMap((rule) => rule(ctx))
  findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity])
  return {
    pid: root.pid,
    verdict: verdictOf(findings),
    tree: tree.map((p) => p.pid),
    findings,
    criuOptions: optionsOf(findings)
  }
}

/**
 * Analyses the tree rooted at `pid`.
 * @throws AppError NO_SUCH_PROCESS when the scan has no such process.
 */
export function analyze(scan: ScanResult, pid: number, ctx: AnalysisContext): Analysis {
  const index = indexScan(scan)
  const root = index.byPid.get(pid)
  if (!root) {
    throw new AppError({
      code: 'NO_SUCH_PROCESS',
      message: `There is no process with pid ${pid}.`,
      why: 'It may have exited, or it runs where Icebox cannot see it.',
      remedy: 'Run `icebox ps` to see the current processes and their pids.'
    })
  }
  return analyzeIndexed(scan, index, root, ctx, new Map())
}

/**
 * Analyses the tree of every process of the scan, or of the given pids only (unknown pids are
 * left out). The indexes are built once for all of them.
 */
export function analyzeAll(
  scan: ScanResult,
  ctx: AnalysisContext,
  pids?: Iterable<number>
): Map<number, Analysis> {
  const index = indexScan(scan)
  const result = new Map<number, Analysis>()
  const roots = pids ? [...pids].flatMap((pid) => index.byPid.get(pid) ?? []) : scan.processes
  const memo: RuleContext['memo'] = new Map()
  for (const p of roots) result.set(p.pid, analyzeIndexed(scan, index, p, ctx, memo))
  return result
}
