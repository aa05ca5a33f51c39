/**
 * Implements every contract method by composing the core (scanner, analysis, engine, store,
 * image decoder) behind a small `CoreDeps` seam, so the same handlers serve Electron IPC,
 * `icebox serve` and tests, and tests can swap one dependency for a fake error path.
 */
import type {
  FreezeOptions,
  ProcessList,
  PreflightResult,
  PrivilegeMode,
  SnapshotDetails,
  SnapshotRow,
  SystemInfo
} from '../common/api-types'
import type { EmitEvent, Handlers } from '../common/contract'
import { AppError } from '../common/errors'
import type { Analysis, ScanResult } from '../common/model'
import { displayCommandLine, presetOptions } from './freeze-plan'
import { createJobRunner, type JobHooks, type JobOutcome, type JobRunner } from './jobs'
import { answerList, createLiveLists, type LiveLists } from './live-list'
import { explainFindings, externalPeers, toRow, toRows } from './process-rows'

/** The core functions the handlers compose (see core-deps.ts for the real ones). */
export interface CoreDeps {
  scan(): ScanResult
  analyzeAll(scan: ScanResult): Map<number, Analysis>
  analyze(scan: ScanResult, pid: number): Analysis
  uid: number
  privilege(): PrivilegeMode
  systemInfo(): Promise<SystemInfo>
  /** The criu command line for the dialog (C's argv builder when available). */
  commandLine?(pid: number, options: FreezeOptions): string[]
  freeze(
    req: { pid: number; startTicks?: number; options: FreezeOptions; name?: string },
    hooks: JobHooks
  ): Promise<JobOutcome>
  listSnapshots(): Promise<SnapshotRow[]>
  inspectSnapshot(id: string): Promise<SnapshotDetails>
  preflight(id: string): Promise<PreflightResult>
  restore(id: string, hooks: JobHooks): Promise<JobOutcome>
  deleteSnapshot(id: string): Promise<void>
  /** Writes the snapshot as a tar archive (default path: the user's home). */
  exportSnapshot(id: string, path?: string): Promise<string>
  importSnapshot(path: string): Promise<SnapshotRow>
}

/** How long a scan may be reused by inspect/plan right after a list (ms). */
const SCAN_REUSE_MS = 1500

/** Creates the handlers; events (job progress) go out through `emit`. */
export function createHandlers(
  deps: CoreDeps,
  emit: EmitEvent,
  opts: { onWatchError?: (err: unknown) => void } = {}
): Handlers & { jobs: JobRunner; live: LiveLists } {
  const jobs = createJobRunner(emit)
  let last: { at: number; scan: ScanResult } | null = null

  const freshScan = (): ScanResult => {
    const scan = deps.scan()
    last = { at: Date.now(), scan }
    return scan
  }
  const recentScan = (pid: number): ScanResult => {
    if (last && Date.now() - last.at < SCAN_REUSE_MS) {
      if (last.scan.processes.some((p) => p.pid === pid)) return last.scan
    }
    return freshScan()
  }
  const findProcess = (scan: ScanResult, pid: number) => {
    const p = scan.processes.find((x) => x.pid === pid)
    if (!p) {
      throw new AppError({
        code: 'NO_SUCH_PROCESS',
        message: `Process ${pid} is not running.`,
        why: 'It exited, or it is not visible to Icebox.',
        remedy: 'Refresh the process list.'
      })
    }
    return p
  }
  const treeRows = (scan: ScanResult, a: Analysis, all?: Map<number, Analysis>) => {
    const byPid = new Map(scan.processes.map((p) => [p.pid, p]))
    return a.tree.flatMap((pid) => {
      const p = byPid.get(pid)
      return p ? [toRow(p, pid === a.pid ? a : all?.get(pid))] : []
    })
  }

  const listNow = (): ProcessList => {
    const scan = freshScan()
    const analyses = deps.analyzeAll(scan)
    return {
      takenAt: scan.takenAt,
      durationMs: scan.durationMs,
      selfPid: scan.selfPid,
      uid: deps.uid,
      rows: toRows(scan, analyses)
    }
  }
  const live = createLiveLists(listNow, { onError: opts.onWatchError })

  return {
    jobs,
    live,
    'system.info': () => deps.systemInfo(),
    // The list a connection receives is the base of the changes later pushed to it.
    'processes.list': async (input, ctx) => answerList(live, input, ctx.connection),
    'processes.watch': async (options, ctx) => {
      if (!ctx.connection) {
        throw new AppError({
          code: 'UNAVAILABLE',
          message: 'This connection cannot receive live updates.',
          remedy: 'Refresh the list instead.'
        })
      }
      return { watching: live.watch(ctx.connection, options) }
    },
    'processes.inspect': async ({ pid }) => {
      const scan = recentScan(pid)
      const process = findProcess(scan, pid)
      const analysis = deps.analyze(scan, pid)
      return {
        process,
        row: toRow(process, analysis),
        analysis,
        findings: explainFindings(analysis.findings),
        tree: treeRows(scan, analysis),
        externalPeers: externalPeers(scan, analysis.tree)
      }
    },
    'freeze.plan': async ({ pid }) => {
      const scan = recentScan(pid)
      const process = findProcess(scan, pid)
      const analysis = deps.analyze(scan, pid)
      const privilege = deps.privilege()
      const { options, explained } = presetOptions(analysis, privilege)
      const blockers = analysis.findings.filter((f) => f.severity === 'blocker')
      return {
        pid,
        startTicks: process.startTicks,
        name: `${process.name}-${new Date().toISOString().slice(0, 16).replace(/[T:]/g, '-')}`,
        verdict: analysis.verdict,
        blocked: analysis.verdict === 'blocked',
        blockedReasons: blockers.map((f) => `${f.message} (pid ${f.pid})`),
        tree: treeRows(scan, analysis),
        externalPeers: externalPeers(scan, analysis.tree),
        findings: explainFindings(analysis.findings),
        options,
        explained,
        commandLine:
          deps.commandLine?.(pid, options) ?? displayCommandLine(pid, options, '<store>/<new>'),
        privilege
      }
    },
    'freeze.start': async (req) => {
      const jobId = jobs.start('freeze', (hooks) => deps.freeze(req, hooks))
      return { jobId }
    },
    'job.cancel': async ({ jobId }) => ({ cancelled: jobs.cancel(jobId) }),
    'snapshots.list': () => deps.listSnapshots(),
    'snapshots.inspect': ({ id }) => deps.inspectSnapshot(id),
    'snapshots.preflight': ({ id }) => deps.preflight(id),
    'snapshots.restore': async ({ id }) => {
      // Pre-flight before a job exists, so blockers come back as an error the dialog shows.
      const pre = await deps.preflight(id)
      const blocking = pre.problems.filter((p) => p.blocking)
      if (blocking.length > 0) {
        throw new AppError({
          code: 'RESTORE_PREFLIGHT',
          message: 'This snapshot cannot be restored right now.',
          why: blocking.map((p) => p.message).join(' '),
          remedy:
            blocking
              .map((p) => p.remedy)
              .filter(Boolean)
              .join(' ') || undefined
        })
      }
      const jobId = jobs.start('restore', (hooks) => deps.restore(id, hooks))
      return { jobId }
    },
    'snapshots.delete': async ({ id }) => {
      await deps.deleteSnapshot(id)
      return { deleted: true }
    },
    'snapshots.export': async ({ id, path }) => ({ path: await deps.exportSnapshot(id, path) }),
    'snapshots.import': ({ path }) => deps.importSnapshot(path)
  }
}
