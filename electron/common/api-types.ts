/**
 * The values that cross the contract (outputs and event payloads).
 *
 * JSON-safe on purpose (no Date, Map, bigint, undefined in arrays): the same objects travel
 * through Electron IPC (structured clone) and the `icebox serve` WebSocket (JSON). Strings that
 * came from /proc or from a snapshot are untrusted: the UI renders them as text only.
 */
import type { AppErrorData } from './errors'
import type {
  Analysis,
  CriuOption,
  Finding,
  FindingId,
  PeerRef,
  ProcessInfo,
  Verdict
} from './model'
import type { Manifest } from './snapshot'
import type { SnapshotView } from './snapshot-view'

//#region system

/** One line of `criu check --feature …` / the probe. */
export interface CriuFeature {
  name: string
  ok: boolean
  detail?: string
}

export interface CriuStatus {
  found: boolean
  path: string | null
  version: string | null
  /** True when the version is at least the one Icebox needs. */
  versionOk: boolean
  features: CriuFeature[]
  /** Why criu is unusable, when it is. */
  problem: AppErrorData | null
}

export type PrivilegeMode = 'root' | 'helper' | 'missing'

export interface PrivilegeStatus {
  mode: PrivilegeMode
  /** One sentence for the System view. */
  summary: string
  /** How to get to a working path when mode is 'missing' (or extra advice). */
  howTo: string | null
}

export interface StoreUsage {
  root: string
  snapshots: number
  bytes: number
  /** Free bytes on the store's filesystem, null if unknown. */
  freeBytes: number | null
}

export interface SystemInfo {
  hostname: string
  kernel: string
  uid: number
  user: string
  iceboxVersion: string
  criu: CriuStatus
  privilege: PrivilegeStatus
  store: StoreUsage
}

//#endregion
//#region processes

/** Counts of the resources CRIU cares about, for the table's "resources" column. */
export interface ResourceCounts {
  files: number
  pipes: number
  sockets: number
  locks: number
  devices: number
}

/** One row of the process table: small, so 5 000 of them move quickly. */
export interface ProcessRow {
  pid: number
  ppid: number
  name: string
  /** The command line joined with spaces, cut to a few hundred characters. */
  command: string
  user: string
  uid: number
  state: string
  startTime: string
  startTicks: number
  rssBytes: number
  threads: number
  kernelThread: boolean
  counts: ResourceCounts
  verdict: Verdict
  findingIds: FindingId[]
  /** One line per blocker/needs-option finding, for the badge's tooltip. */
  reasons: string[]
}

export interface ProcessList {
  takenAt: string
  durationMs: number
  selfPid: number
  /** The uid of the core (for the "mine only" filter). */
  uid: number
  rows: ProcessRow[]
  /** Only the first rows in tree order (processes.list firstRows); the whole list follows. */
  partial?: boolean
  /**
   * Which list of the core's live list this is (counts up per scan): the base that pushed
   * change sets name in `sinceSeq`. Absent for a list the core does not push changes to.
   */
  seq?: number
}

/** What Icebox does about a finding, in words (shown next to it). */
export interface ExplainedFinding extends Finding {
  action: string
}

export interface ProcessDetails {
  process: ProcessInfo
  row: ProcessRow
  analysis: Analysis
  findings: ExplainedFinding[]
  /** Rows of the tree CRIU would take (the process and its descendants). */
  tree: ProcessRow[]
  /** Processes outside the tree holding the other end of a pipe or socket of the tree. */
  externalPeers: PeerRef[]
}

/**
 * The fields of a row that changed, for a process the client already holds (same pid and
 * start time). `counts`, `findingIds` and `reasons` come whole when any part changed.
 */
export type RowPatch = Partial<Omit<ProcessRow, 'pid' | 'startTicks'>> & { pid: number }

/**
 * A change set for the live process list, pushed by `icebox serve` (processes.watch) and by
 * Electron's scanner worker: new processes in full, only the changed fields of the others, pids
 * gone.
 */
export interface ProcessesChanged {
  takenAt: string
  /**
   * The takenAt of the list these changes apply to. A client holding another list (it missed a
   * change set, or has none yet) fetches the whole list instead. Absent: apply as they are.
   */
  since?: string
  /**
   * The `seq` of the list these changes apply to, and of the list they lead to. A client whose
   * list has another seq (it missed a change set, or reconnected) fetches the whole list.
   */
  sinceSeq?: number
  seq?: number
  /** How long the scan behind these changes took (ms). */
  durationMs?: number
  /** Processes the client does not hold: new pids, and pids reused by another process. */
  upserted: ProcessRow[]
  /** Processes the client holds whose fields changed: only those fields. */
  patched: RowPatch[]
  removed: number[]
}

//#endregion
//#region freeze

/** The choices a person makes in the Freeze dialog. */
export interface FreezeOptions {
  /** Keep the process running after the snapshot (criu -R). */
  leaveRunning: boolean
  /** Established TCP connections: keep (restorable once), close at restore, or none. */
  tcp: 'none' | 'keep' | 'close'
  extUnixSockets: boolean
  fileLocks: boolean
  shellJob: boolean
  linkRemap: boolean
}

/** One option of the dialog with the reason it is set the way it is. */
export interface PlannedOption {
  key: keyof FreezeOptions
  label: string
  /** Why the preset is what it is (which finding asks for it), in words. */
  reason: string
  /** The criu flag(s) it adds. */
  flags: CriuOption[]
}

export interface FreezePlan {
  pid: number
  startTicks: number
  name: string
  verdict: Verdict
  blocked: boolean
  /** When blocked: why, in words (the blocker findings' messages). */
  blockedReasons: string[]
  tree: ProcessRow[]
  externalPeers: PeerRef[]
  findings: ExplainedFinding[]
  options: FreezeOptions
  explained: PlannedOption[]
  /** The effective criu command line for these options. */
  commandLine: string[]
  /** How criu will be run: directly as root, or through the helper. */
  privilege: PrivilegeMode
}

export type JobKind = 'freeze' | 'restore'

export interface JobStarted {
  jobId: string
}

export interface JobProgress {
  jobId: string
  kind: JobKind
  /** Phase name, e.g. "pre-flight", "freezing", "writing memory", "restoring". */
  phase: string
  message: string
  bytesWritten: number | null
  elapsedMs: number
}

export interface JobFinished {
  jobId: string
  kind: JobKind
  ok: boolean
  snapshotId: string | null
  /** Restore: the pid of the restored tree's root. */
  rootPid: number | null
  /** Restore of a terminal program: the command that reaches its tmux session; else null. */
  terminal: string | null
  sizeBytes: number | null
  /** Freeze: how long the processes were frozen, in ms, when criu said. */
  frozenMs: number | null
  error: AppErrorData | null
  /** The tail of criu's log, for "show log". */
  log: string | null
  elapsedMs: number
}

//#endregion
//#region snapshots

export type SnapshotState = 'ready' | 'restored' | 'tcp-used' | 'damaged'

export interface SnapshotRow {
  id: string
  name: string
  createdAt: string
  sourcePid: number
  sourceName: string
  sourceCommand: string
  sizeBytes: number
  state: SnapshotState
  /** Why it is in that state, in words. */
  stateReason: string
  flags: string[]
  restoreCount: number
}

export interface SnapshotDetails {
  row: SnapshotRow
  /** The manifest as stored, for the expert view. */
  manifest: Manifest
  /** The decoded images, or null with viewError. */
  view: SnapshotView | null
  viewError: AppErrorData | null
  log: string | null
}

export interface PreflightProblem {
  code: string
  message: string
  remedy: string | null
  blocking: boolean
}

export interface PreflightResult {
  ok: boolean
  problems: PreflightProblem[]
}

//#endregion
