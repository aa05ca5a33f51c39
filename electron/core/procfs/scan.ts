/**
 * The /proc scanner: every process with its fds classified and joined across processes, the
 * way CRIU will see them. Synchronous by design (see docs/performance-baselines.md); never
 * throws for a process that vanishes or cannot be read.
 */
import type { ProcessInfo, ScanResult } from '../../common/model'
import { readText, type IoFailure } from './io'
import { attributeLocks, joinPeers, type Joinable } from './join'
import { makeDev } from './dev'
import { fillPipeEnds } from './fds'
import { loadNetTables } from './net-tables'
import { parseLocks, type LockLine } from './parse-locks'
import type { NetSocket } from './parse-net'
import {
  cancelParallelRead,
  runParallelRead,
  startParallelRead,
  type ParallelRead
} from './parallel'
import { listPids } from './pids'
import { newReadContext } from './read-context'
import { processFromRaw, readProcess, type ReadProcess } from './read-process'
import { startSs } from './ss'

export { readBootTime } from './system'

/** What to scan and how. */
export interface ScanOptions {
  /** Root of procfs (tests point it at a copied tree); default "/proc". */
  procRoot?: string
  /** Only these pids (peers are then joined among them only); default every process. */
  pids?: number[]
  /** Path of `ss`; null to skip it (unix peers unknown); default "ss" from PATH. */
  ssPath?: string | null
  /** Read /proc/PID/maps (devices, SysV shm, uprobes, deleted mappings); default true. */
  maps?: boolean
  /**
   * Share the reading with a worker thread when there are many processes (parallel.ts); default
   * false (a one-off command wants it, a periodic scanner keeps its single thread).
   */
  parallel?: boolean
  /**
   * Read every file's open flags and position and every pipe's end; default true. Without it
   * (a command that prints verdicts, not fd tables) they are read only where a finding needs
   * them: locks /proc/locks cannot attribute, and pipes shared between processes. See RawWhat.
   */
  fileDetails?: boolean
}

/** Below this many processes a worker thread costs more to start than it saves. */
export const PARALLEL_MIN_PROCESSES = 400

/** "st_dev:inode" → the pids /proc/locks names for that file (-1 for OFD locks). */
export function lockedFiles(lines: readonly LockLine[]): Record<string, number[]> {
  const out: Record<string, number[]> = {}
  for (const l of lines) {
    if (l.blocked) continue
    const [major, minor] = l.dev.split(':').map(Number) as [number, number]
    const key = `${makeDev(major, minor)}:${l.inode}`
    ;(out[key] ??= []).push(l.pid)
  }
  return out
}

/** Scans /proc. See ScanOptions; the result is JSON-safe. */
export function scan(opts: ScanOptions = {}): ScanResult {
  const started = performance.now()
  const procRoot = opts.procRoot ?? '/proc'
  const takenAt = new Date().toISOString()
  const pids = opts.pids ?? listPids(procRoot)
  // The worker first, so that it starts while the rest is prepared.
  const parallel =
    opts.parallel && pids.length >= PARALLEL_MIN_PROCESSES
      ? startParallelRead(pids, procRoot, `${procRoot}/net`)
      : null
  try {
    return scanWith(opts, procRoot, pids, parallel, started, takenAt)
  } catch (err) {
    if (parallel) cancelParallelRead(parallel)
    throw err
  }
}

function scanWith(
  opts: ScanOptions,
  procRoot: string,
  pids: readonly number[],
  parallel: ParallelRead | null,
  started: number,
  takenAt: string
): ScanResult {
  const netDir = `${procRoot}/net`
  // Read first: which files are locked decides whose fdinfo is worth reading.
  const locksText = readText(`${procRoot}/locks`)
  const lockLines = typeof locksText === 'string' ? parseLocks(locksText) : []
  const fileDetails = opts.fileDetails !== false
  const ctx = newReadContext(procRoot, {
    maps: opts.maps !== false,
    fileDetails,
    locked: lockedFiles(lockLines)
  })
  const selfNs = ctx.selfNs
  const pendingSs = startSs(opts.ssPath === undefined ? 'ss' : opts.ssPath)
  // Filled after the walk (in parallel mode the worker reads the tables meanwhile).
  const selfNet = new Map<number, NetSocket>()
  const otherNets = new Map<number, Map<number, NetSocket>>()

  const joinables: Joinable[] = []
  const add = (read: ReadProcess | null): void => {
    if (!read) return
    const netNs = read.info.namespaces.net.inode
    const inSelfNet = netNs === null || netNs === selfNs.net
    let net = selfNet
    if (!inSelfNet && read.fdScan.sockets.length > 0) {
      net = otherNets.get(netNs) ?? loadNetTables(`${procRoot}/${read.info.pid}/net`)
      otherNets.set(netNs, net)
    }
    joinables.push({ info: read.info, fdScan: read.fdScan, net, ssSeesNamespace: inSelfNet })
  }
  if (parallel) {
    // The tables the worker read are parsed as they arrive, while it reads on.
    const fromWorker = (net: Map<string, string | IoFailure>): void => {
      loadNetTables(netDir, selfNet, (name) => net.get(name) ?? readText(`${netDir}/${name}`))
    }
    const { net } = runParallelRead(
      parallel,
      ctx.raw,
      (raw) => add(processFromRaw(raw, ctx)),
      fromWorker
    )
    if (!net) loadNetTables(netDir, selfNet)
    // Chunks arrive in any order; the result is by pid like a sequential scan's.
    joinables.sort((a, b) => a.info.pid - b.info.pid)
  } else {
    for (const pid of pids) add(readProcess(pid, ctx))
    loadNetTables(netDir, selfNet)
  }

  const ss = pendingSs.finish()
  joinPeers(joinables, ss)
  if (!fileDetails) fillPipeEnds(joinables, procRoot)
  attributeLocks(joinables, lockLines)

  const processes: ProcessInfo[] = joinables.map((j) => j.info)
  return {
    takenAt,
    selfPid: process.pid,
    ssAvailable: ss !== null,
    processes,
    durationMs: Math.round(performance.now() - started)
  }
}

/** Scans one process (peers only among itself); null when it does not exist. */
export function scanOne(pid: number, opts: Omit<ScanOptions, 'pids'> = {}): ProcessInfo | null {
  return scan({ ...opts, pids: [pid] }).processes[0] ?? null
}
