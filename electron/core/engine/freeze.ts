/**
 * Freeze: scan, analyse, check the pid is still the same process, plan, run criu into a
 * temporary directory, then store it with its manifest. A failed dump stores only a failure
 * record, and the process is checked (and resumed if CRIU left it stopped).
 */

import { AppError } from '../../common/errors'
import type { Analysis, ProcessInfo, ScanResult } from '../../common/model'
import type {
  DumpChoices,
  DumpStats,
  FailureRecord,
  Manifest,
  PreflightRecord
} from '../../common/snapshot'
import { MANIFEST_FORMAT } from '../../common/snapshot'
import { analyze } from '../analysis/analyze'
import { currentContext } from '../analysis/context'
import { recordFlags, type DumpPlan } from '../criu/argv'
import { explainLog, explanationError } from '../criu/explain'
import { planDump } from '../criu/plan'
import { criuVersion, findCriu, probeNetworkLock } from '../criu/probe'
import type { CriuProgress } from '../criu/run'
import { scanForTree } from '../procfs/scan-tree'
import { readDumpStats } from '../snapshots/stats'
import { dirSizes, newSnapshotId, type SnapshotStore } from '../snapshots/store'
import { fileIdentity, fileSize, readTextFile, hostFacts, readPidStat } from './proc'
import { runDump } from './runner'
import { checkStillRunning } from './resume'

export interface FreezeRequest {
  pid: number
  /** stat field 22 the caller saw; a different value means the pid was reused. */
  startTicks?: number
  choices: DumpChoices
  name?: string
  store: SnapshotStore
}

export interface FreezeHooks {
  onProgress?: (p: CriuProgress) => void
  signal?: AbortSignal
  timeoutMs?: number
}

/** Everything decided before criu runs: what the CLI shows before asking. */
export interface PreparedFreeze {
  criuPath: string
  criuVersion: string
  scan: ScanResult
  root: ProcessInfo
  tree: ProcessInfo[]
  analysis: Analysis
  plan: DumpPlan
}

function pidReused(pid: number): AppError {
  return new AppError({
    code: 'NO_SUCH_PROCESS',
    message: `Process ${pid} is not the one that was chosen any more.`,
    why: 'It exited and another process now has the same pid (its start time differs).',
    remedy: 'Look at the process list again and pick the process anew.'
  })
}

/** Scans, analyses and plans (no criu run except the version probe). */
export async function prepareFreeze(req: Omit<FreezeRequest, 'store'>): Promise<PreparedFreeze> {
  const criuPath = findCriu()
  // criu --version runs while the (synchronous) scan reads /proc; awaited right after.
  const versionPending = criuVersion(criuPath)
  // Handled below; this only keeps an early throw from leaving an unhandled rejection.
  versionPending.catch(() => undefined)
  // Full details of the tree only, of the others what finds its external peers (scan-tree.ts);
  // a full scan when that is not enough, then on two threads on a busy machine (scan.ts).
  const result =
    scanForTree(req.pid) ??
    (await import('../procfs/scan')).scan({ parallel: true, fileDetails: false })
  const version = await versionPending
  const analysis = analyze(result, req.pid, currentContext())
  const byPid = new Map(result.processes.map((p) => [p.pid, p]))
  const root = byPid.get(req.pid)
  if (!root) throw pidReused(req.pid)
  if (req.startTicks !== undefined && root.startTicks !== req.startTicks) throw pidReused(req.pid)
  const tree = analysis.tree.map((pid) => byPid.get(pid)).filter((p): p is ProcessInfo => !!p)
  const needsLock = analysis.findings.some((f) => f.id === 'tcp-established')
  const networkLocks = needsLock
    ? await probeNetworkLock(criuPath)
    : { nftables: false, iptables: false }
  const plan = planDump({
    analysis,
    tree,
    choices: req.choices,
    startTicks: root.startTicks,
    networkLocks,
    mode: 'root'
  })
  return { criuPath, criuVersion: version, scan: result, root, tree, analysis, plan }
}

/** What restore pre-flight will need, from the scan at dump time. */
export function preflightRecord(prepared: PreparedFreeze): PreflightRecord {
  const treePids = new Set(prepared.plan.tree)
  const record: PreflightRecord = {
    pids: [...prepared.plan.tree],
    files: [],
    exes: [],
    extUnixPeers: []
  }
  for (const p of prepared.tree) {
    if (p.exe && !p.exeDeleted) {
      const id = fileIdentity(p.exe)
      record.exes.push({
        pid: p.pid,
        path: p.exe,
        size: fileSize(p.exe),
        ...(id && { uid: id.uid })
      })
    }
    for (const fd of p.fds) {
      if (fd.kind === 'file' && !fd.deleted && fd.path.startsWith('/')) {
        // Measured after the dump: the file may have grown between the scan and the freeze.
        const id = fileIdentity(fd.path)
        record.files.push({
          pid: p.pid,
          fd: fd.fd,
          path: fd.path,
          size: fileSize(fd.path) ?? fd.size,
          ...(id && { uid: id.uid })
        })
      }
      if (prepared.plan.extUnixSk && fd.kind === 'socket' && fd.proto === 'unix') {
        for (const peer of fd.peers) {
          if (treePids.has(peer.pid) || record.extUnixPeers.some((x) => x.pid === peer.pid))
            continue
          const st = readPidStat(peer.pid)
          record.extUnixPeers.push({
            pid: peer.pid,
            name: peer.name,
            startTicks: st?.startTicks ?? null
          })
        }
      }
    }
  }
  return record
}

function buildManifest(
  id: string,
  prepared: PreparedFreeze,
  req: FreezeRequest,
  argv: string[],
  dir: string,
  stats: DumpStats | null
): Manifest {
  const { root, plan } = prepared
  return {
    format: MANIFEST_FORMAT,
    id,
    name: req.name ?? root.name,
    createdAt: new Date().toISOString(),
    source: {
      pid: root.pid,
      name: root.name,
      cmdline: root.cmdline,
      uid: root.uid,
      user: root.user,
      startTime: root.startTime,
      startTicks: root.startTicks,
      exe: root.exe,
      cwd: root.cwd,
      sessionLeader: root.sessionLeader,
      tty: root.tty
    },
    flags: recordFlags(plan, argv),
    findings: prepared.analysis.findings,
    warnings: plan.warnings,
    criuVersion: prepared.criuVersion,
    ...hostFacts(),
    sizes: dirSizes(dir),
    keptRunning: plan.leaveRunning,
    stats,
    restores: [],
    preflight: preflightRecord(prepared)
  }
}

/**
 * Runs a prepared freeze and stores the snapshot.
 * @throws AppError explained from the CRIU log (DUMP_FAILED, NO_SPACE, NOT_FREEZABLE, …),
 *   CANCELLED or TIMEOUT; the failure record is kept in the store.
 */
export async function runFreeze(
  prepared: PreparedFreeze,
  req: FreezeRequest,
  hooks: FreezeHooks = {}
): Promise<Manifest> {
  const { plan, root } = prepared
  const id = newSnapshotId()
  // The scan may be a moment old: the pid must still be the same process right now.
  const now = readPidStat(plan.pid)
  if (!now || now.startTicks !== root.startTicks) throw pidReused(plan.pid)
  const statesBefore = new Map(plan.tree.map((pid) => [pid, readPidStat(pid)?.state ?? null]))
  const dir = req.store.beginDump(id)
  let outcome
  try {
    outcome = await runDump(prepared.criuPath, plan, dir, hooks)
  } catch (err) {
    req.store.recordFailure(failure(id, req, prepared, [], 'INTERNAL', String(err), null, null))
    throw err
  }
  const { result, argv, logPath } = outcome
  if (result.exitCode === 0 && !result.cancelled && !result.timedOut) {
    const manifest = buildManifest(id, prepared, req, argv, dir, readDumpStats(dir))
    req.store.commitDump(manifest)
    return manifest
  }
  const alive = checkStillRunning(plan.tree, statesBefore)
  const text = readTextFile(logPath)
  const explained = explainLog(`${text}\n${result.output}`, 'dump', {
    exitCode: result.exitCode,
    signal: result.signal
  })
  let error = explanationError(explained, null)
  if (result.cancelled) {
    error = new AppError({
      code: 'CANCELLED',
      message: 'The freeze was cancelled.',
      why: 'CRIU was stopped before it finished.'
    })
  } else if (result.timedOut) {
    error = new AppError({
      code: 'TIMEOUT',
      message: 'The freeze took too long and was stopped.',
      remedy: 'Try again; a very large process may need a longer timeout.'
    })
  }
  const rec = failure(
    id,
    req,
    prepared,
    argv,
    error.code,
    error.message,
    result.exitCode,
    alive.running
  )
  rec.error = {
    code: error.code,
    message: error.message,
    ...(error.why && { why: error.why }),
    ...(error.remedy && { remedy: error.remedy })
  }
  const failedDir = req.store.recordFailure(rec)
  throw new AppError({
    code: error.code,
    message: error.message,
    ...(error.why && { why: error.why }),
    remedy: [error.remedy, alive.summary].filter(Boolean).join(' '),
    detail: [error.detail, `log: ${failedDir}/dump.log`].filter(Boolean).join('\n')
  })
}

function failure(
  id: string,
  req: FreezeRequest,
  prepared: PreparedFreeze,
  argv: string[],
  code: string,
  message: string,
  exitCode: number | null,
  processAlive: boolean | null
): FailureRecord {
  return {
    id,
    name: req.name ?? prepared.root.name,
    createdAt: new Date().toISOString(),
    pid: prepared.root.pid,
    sourceName: prepared.root.name,
    error: { code, message },
    exitCode,
    processAlive,
    argv
  }
}

/** Freeze in one call: prepare, then run (the agreed engine entry point). */
export async function freeze(req: FreezeRequest, hooks: FreezeHooks = {}): Promise<Manifest> {
  const prepared = await prepareFreeze(req)
  return runFreeze(prepared, req, hooks)
}
