/**
 * The verdict of every process at once, for `icebox ps`: the same answer as analyzeAll (a unit
 * property test and an integration test hold them equal) without building each tree's list of
 * findings. analyzeAll repeats every descendant's findings in each ancestor's analysis; here
 * the per-process part is judged once and folded up the tree as bit masks, and only what truly
 * depends on the tree (pipes and unix sockets leaving it, the root's session) is worked out per
 * root, with depth-first ranges instead of walks.
 */
import type {
  CriuOption,
  FindingId,
  ProcessInfo,
  ScanResult,
  Severity,
  Verdict
} from '../../common/model'
import type { AnalysisContext } from './context'
import { isConnectedUnix } from './describe'
import { splitHolders } from './holders'
import type { Rule, RuleContext } from './rule'
import { childrenRule } from './rules/children'
import { externalPipeRule } from './rules/external-pipe'
import { externalUnixSocketRule } from './rules/external-unix-socket'
import { RULES } from './rules/index'
import { kernelThreadRule } from './rules/kernel-thread'
import { selfRule } from './rules/self'
import { startTimeChangesRule } from './rules/start-time-changes'
import { isPtyMaster, isPtySlave, ttyRule } from './rules/tty'
import { zombieRule } from './rules/zombie'
import { indexScan, type ScanIndex } from './tree'

/** What `icebox ps` shows of an analysis. */
export interface AnalysisSummary {
  pid: number
  verdict: Verdict
  /** Distinct finding ids in the order analyze lists them (by severity, then rule). */
  findingIds: FindingId[]
  /** The ids of findings that are more than information. */
  notableIds: FindingId[]
  criuOptions: CriuOption[]
}

const SEVERITIES: Severity[] = ['blocker', 'needs-option', 'warning', 'info']
const BIT: Record<Severity, number> = { blocker: 1, 'needs-option': 2, warning: 4, info: 8 }

/** Rules whose findings (ids and severities) depend on the tree; handled below. */
const TREE_RULES = new Set<Rule>([
  selfRule,
  zombieRule,
  externalUnixSocketRule,
  ttyRule,
  externalPipeRule,
  childrenRule,
  startTimeChangesRule
])
const at = (rule: Rule): number => RULES.indexOf(rule)

/** Per process: severity bits per rule index, for the rules judged per process. */
function localMasks(
  scan: ScanResult,
  index: ScanIndex,
  ctx: AnalysisContext
): {
  masks: Map<number, Uint8Array>
  ids: Array<FindingId | null>
  options: Array<CriuOption | null>
} {
  const ids: Array<FindingId | null> = RULES.map(() => null)
  const options: Array<CriuOption | null> = RULES.map(() => null)
  const masks = new Map<number, Uint8Array>()
  const local = RULES.filter((r) => !TREE_RULES.has(r))
  const localAt = local.map(at)
  for (const p of scan.processes) {
    const mask = new Uint8Array(RULES.length)
    const one: RuleContext = {
      root: p,
      tree: [p],
      treePids: new Set([p.pid]),
      byPid: index.byPid,
      lockHolders: index.lockHolders,
      range: { lo: index.order.enter.get(p.pid)!, hi: index.order.enter.get(p.pid)! + 1 },
      pipeHolders: index.pipeHolders,
      socketHolders: index.socketHolders,
      socketByInode: index.socketByInode,
      context: ctx,
      selfPid: scan.selfPid,
      ssAvailable: scan.ssAvailable,
      // Each process is judged once here (in its own one-process tree): nothing to remember.
      memo: null
    }
    for (let i = 0; i < local.length; i++) {
      for (const f of local[i]!(one)) {
        const r = localAt[i]!
        mask[r]! |= BIT[f.severity]
        ids[r] = f.id
        if (f.severity === 'needs-option' && f.option && !options[r]) options[r] = f.option
      }
    }
    // The part of external-unix-socket that does not depend on the tree: unknown peers.
    for (const fd of p.fds) {
      if (fd.kind !== 'socket' || !isConnectedUnix(fd)) continue
      if (!fd.peerKnown || fd.peerInode === null) mask[at(externalUnixSocketRule)]! |= BIT.warning
    }
    masks.set(p.pid, mask)
  }
  return { masks, ids, options }
}

/** Summaries of the trees of every process (or of `pids`). */
export function summarizeAll(
  scan: ScanResult,
  ctx: AnalysisContext,
  pids?: Iterable<number>
): Map<number, AnalysisSummary> {
  const index = indexScan(scan)
  const { enter, exit } = index.order
  const { masks, ids, options } = localMasks(scan, index, ctx)
  const n = scan.processes.length
  const byOrder: ProcessInfo[] = new Array<ProcessInfo>(n)
  for (const p of scan.processes) byOrder[enter.get(p.pid)!] = p

  // Fold up the tree, children before parents (higher depth-first numbers first).
  const agg = new Map<number, Uint8Array>()
  const pipeMin = new Float64Array(n).fill(Infinity)
  const pipeMax = new Float64Array(n).fill(-Infinity)
  const slaves = new Uint8Array(n)
  const masters = new Uint8Array(n)
  const zombies = new Uint8Array(n)
  const orderOf = (pid: number): number => enter.get(pid) ?? -1
  for (let i = n - 1; i >= 0; i--) {
    const p = byOrder[i]!
    const mine = agg.get(p.pid) ?? new Uint8Array(RULES.length)
    const local = masks.get(p.pid)!
    for (let r = 0; r < local.length; r++) mine[r]! |= local[r]!
    agg.set(p.pid, mine)
    for (const fd of p.fds) {
      if (fd.kind === 'pipe') {
        const h = index.pipeHolders.get(fd.inode)
        if (h && h.pids.length > 1) {
          // Holders are sorted by depth-first number: the ends are the extremes.
          pipeMin[i] = Math.min(pipeMin[i]!, h.order[0]!)
          pipeMax[i] = Math.max(pipeMax[i]!, h.order[h.order.length - 1]!)
        } else {
          for (const peer of fd.peers) {
            const o = orderOf(peer.pid)
            if (o < pipeMin[i]!) pipeMin[i] = o
            if (o > pipeMax[i]!) pipeMax[i] = o
          }
        }
      } else if (fd.kind === 'device') {
        if (isPtyMaster(fd)) masters[i] = 1
        else if (isPtySlave(fd)) slaves[i] = 1
      }
    }
    if (p.state === 'Z') zombies[i] = 1
    const parentAt = enter.get(p.ppid)
    if (parentAt === undefined || p.ppid === p.pid) continue
    // Only a parent whose range holds this process (a ppid loop may break that).
    if (!(parentAt < i && exit.get(p.ppid)! > i)) continue
    const parentAgg = agg.get(p.ppid) ?? new Uint8Array(RULES.length)
    for (let r = 0; r < mine.length; r++) parentAgg[r]! |= mine[r]!
    agg.set(p.ppid, parentAgg)
    pipeMin[parentAt] = Math.min(pipeMin[parentAt]!, pipeMin[i]!)
    pipeMax[parentAt] = Math.max(pipeMax[parentAt]!, pipeMax[i]!)
    slaves[parentAt]! |= slaves[i]!
    masters[parentAt]! |= masters[i]!
    // Bit 1: the process is a zombie; bit 2: one of its descendants is.
    if (zombies[i]! & 3) zombies[parentAt]! |= 2
  }

  // Connected unix sockets with a known peer, in depth-first order, for per-root checks.
  const unix: Array<{ order: number; dgram: boolean; peerInode: number; peers: number[] }> = []
  for (let i = 0; i < n; i++) {
    for (const fd of byOrder[i]!.fds) {
      if (fd.kind !== 'socket' || !isConnectedUnix(fd)) continue
      if (!fd.peerKnown || fd.peerInode === null) continue
      unix.push({
        order: i,
        dgram: fd.type === 'dgram',
        peerInode: fd.peerInode,
        peers: fd.peers.map((peer) => orderOf(peer.pid))
      })
    }
  }

  const result = new Map<number, AnalysisSummary>()
  const roots = pids ? [...pids].flatMap((pid) => index.byPid.get(pid) ?? []) : scan.processes
  for (const root of roots) {
    const lo = enter.get(root.pid)!
    const hi = exit.get(root.pid)!
    const mask = new Uint8Array(RULES.length)
    if (root.kernelThread) {
      mask[at(kernelThreadRule)] = BIT.blocker
      result.set(root.pid, finish(root.pid, mask, ids, options))
      continue
    }
    mask.set(agg.get(root.pid)!)
    const inRange = (o: number): boolean => o >= lo && o < hi
    const selfAt = enter.get(scan.selfPid)
    if (selfAt !== undefined && inRange(selfAt)) mask[at(selfRule)]! |= BIT.blocker
    if (root.state === 'Z') mask[at(zombieRule)]! |= BIT.blocker
    if (zombies[lo]! & 2) mask[at(zombieRule)]! |= BIT.info
    if (root.sid !== root.pid || root.ttyNr !== 0 || (slaves[lo] === 1 && masters[lo] === 0)) {
      mask[at(ttyRule)]! |= BIT['needs-option']
    }
    if (pipeMin[lo]! < lo || pipeMax[lo]! >= hi) mask[at(externalPipeRule)]! |= BIT.warning
    if (hi - lo > 1) mask[at(childrenRule)]! |= BIT.info
    mask[at(startTimeChangesRule)]! |= BIT.info
    // Unix sockets of the tree whose other end no process of the tree holds.
    let k = lowerBound(unix, lo)
    for (; k < unix.length && unix[k]!.order < hi; k++) {
      const u = unix[k]!
      const holders = index.socketHolders.get(u.peerInode)
      const inside = holders
        ? splitHolders(holders, { lo, hi }, 0).inside > 0
        : u.peers.some(inRange)
      if (!inside) mask[at(externalUnixSocketRule)]! |= u.dgram ? BIT['needs-option'] : BIT.blocker
    }
    result.set(root.pid, finish(root.pid, mask, ids, options))
  }
  return result
}

function lowerBound(list: Array<{ order: number }>, value: number): number {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (list[mid]!.order < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Fixed ids and options of the rules judged per tree. */
const TREE_RULE_IDS = new Map<Rule, FindingId>([
  [kernelThreadRule, 'kernel-thread'],
  [selfRule, 'self'],
  [zombieRule, 'zombie'],
  [externalUnixSocketRule, 'external-unix-socket'],
  [ttyRule, 'tty'],
  [externalPipeRule, 'external-pipe'],
  [childrenRule, 'children'],
  [startTimeChangesRule, 'start-time-changes']
])
const TREE_RULE_OPTIONS = new Map<Rule, CriuOption>([
  [externalUnixSocketRule, '--ext-unix-sk'],
  [ttyRule, '--shell-job']
])

function finish(
  pid: number,
  mask: Uint8Array,
  ids: Array<FindingId | null>,
  options: Array<CriuOption | null>
): AnalysisSummary {
  const findingIds: FindingId[] = []
  const notableIds: FindingId[] = []
  const criuOptions: CriuOption[] = []
  for (const severity of SEVERITIES) {
    for (let r = 0; r < RULES.length; r++) {
      if (!(mask[r]! & BIT[severity])) continue
      const rule = RULES[r]!
      const id = TREE_RULE_IDS.get(rule) ?? ids[r]
      if (!id) continue
      if (!findingIds.includes(id)) findingIds.push(id)
      if (severity !== 'info' && !notableIds.includes(id)) notableIds.push(id)
      const option =
        severity === 'needs-option' ? (TREE_RULE_OPTIONS.get(rule) ?? options[r]) : null
      if (option && !criuOptions.includes(option)) criuOptions.push(option)
    }
  }
  const verdict: Verdict = mask.some((m) => m & BIT.blocker)
    ? 'blocked'
    : mask.some((m) => m & BIT['needs-option'])
      ? 'needs-options'
      : 'freezable'
  return { pid, verdict, findingIds, notableIds, criuOptions }
}
