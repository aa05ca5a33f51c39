/**
 * The snapshot manifest (`manifest.json` next to CRIU's images) and the choices a person makes
 * when freezing. Pure data, JSON-safe: it crosses IPC, the WebSocket and `--json` output as is.
 * Everything in `source` came from /proc and is untrusted text.
 */
import type { Finding } from './model'

/** Version of the manifest layout; bump on incompatible changes. */
export const MANIFEST_FORMAT = 1

/**
 * Snapshot ids: time-sortable plus random (`20261127-001500-ab12cd`), or the helper's UUIDv4.
 * Every path built from an id is checked against this first.
 */
export const SNAPSHOT_ID_RE =
  /^(?:\d{8}-\d{6}-[0-9a-f]{6}|[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})$/

/** True when `id` is a well-formed snapshot id (safe as one path component). */
export function isSnapshotId(id: string): boolean {
  return SNAPSHOT_ID_RE.test(id)
}

/**
 * What a person decides when freezing. `undefined` means "let Icebox decide from the findings";
 * an explicit `false` leaves the flag out even when a finding asks for it (CRIU will then refuse
 * and Icebox explains why).
 */
export interface DumpChoices {
  /** Keep the process running after the snapshot (criu --leave-running). */
  keepRunning?: boolean
  /** Established TCP connections: keep them (root only, restorable once) or drop them. */
  tcp?: 'established' | 'close'
  fileLocks?: boolean
  extUnixSk?: boolean
  shellJob?: boolean
  /** Consent to --link-remap, which leaves `link_remap.N` files next to the originals. */
  linkRemap?: boolean
  /** Override of the deleted-file limit in bytes; by default sized from the findings. */
  ghostLimitBytes?: number
}

/** Network lock CRIU uses while TCP connections are frozen. */
export type NetworkLock = 'nftables' | 'iptables'

/** The flags a dump was made with; restore reuses them. */
export interface RecordedFlags {
  shellJob: boolean
  fileLocks: boolean
  extUnixSk: boolean
  tcp: 'established' | 'close' | null
  networkLock: NetworkLock | null
  linkRemap: boolean
  allowUprobes: boolean
  ghostLimitBytes: number | null
  leaveRunning: boolean
  /** The criu dump argv after the binary (for display and bug reports). */
  argv: string[]
}

/** The process the snapshot was taken of. */
export interface SnapshotSource {
  pid: number
  name: string
  cmdline: string[]
  uid: number
  user: string
  /** ISO wall clock start time. */
  startTime: string
  /** stat field 22, clock ticks after boot. */
  startTicks: number
  exe: string | null
  cwd: string | null
  sessionLeader: boolean
  tty: string | null
}

/** CRIU's own numbers from `stats-dump` (times in microseconds). */
export interface DumpStats {
  freezingTimeUs: number
  frozenTimeUs: number
  memdumpTimeUs: number
  memwriteTimeUs: number
  pagesScanned: number
  pagesSkippedParent: number
  pagesWritten: number
  pagesLazy: number
}

export interface RestoreRecord {
  /** ISO time. */
  at: string
  rootPid: number | null
  ok: boolean
  error: string | null
}

/** A regular file a process of the tree had open, as it was at dump time. */
export interface RecordedFile {
  pid: number
  fd: number
  path: string
  size: number | null
  /** Its owner at dump time (absent in snapshots of older versions). */
  uid?: number
}

/** A program file of the tree, checked before restore (R7). */
export interface RecordedExe {
  pid: number
  path: string
  size: number | null
  /** Its owner at dump time (absent in snapshots of older versions). */
  uid?: number
}

/** An outside peer of a unix socket saved with --ext-unix-sk; it must live at restore. */
export interface RecordedPeer {
  pid: number
  name: string
  /** stat field 22 of the peer, to notice a different process with the same pid. */
  startTicks: number | null
}

/** What restore pre-flight needs, recorded from the scan at dump time. */
export interface PreflightRecord {
  pids: number[]
  files: RecordedFile[]
  exes: RecordedExe[]
  extUnixPeers: RecordedPeer[]
}

export interface Manifest {
  format: number
  id: string
  name: string
  /** ISO time. */
  createdAt: string
  source: SnapshotSource
  flags: RecordedFlags
  /** Findings of the analysis at dump time. */
  findings: Finding[]
  /** Silent hazards shown before the dump (pipes cut, divergence, inotify, link-remap). */
  warnings: string[]
  criuVersion: string
  kernelRelease: string
  hostname: string
  bootId: string
  cpuModel: string
  sizes: { total: number; pages: number }
  keptRunning: boolean
  stats: DumpStats | null
  restores: RestoreRecord[]
  preflight: PreflightRecord
}

/** A dump that failed: only its log and this record are kept. */
export interface FailureRecord {
  id: string
  name: string
  createdAt: string
  pid: number
  sourceName: string
  /** The explained error. */
  error: { code: string; message: string; why?: string; remedy?: string }
  exitCode: number | null
  /** Whether the process still ran after the failure, as checked. */
  processAlive: boolean | null
  argv: string[]
}
