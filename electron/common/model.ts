/**
 * The process model Icebox builds from /proc, and the findings the analysis attaches to it.
 *
 * Pure data, JSON-safe (no Date, Map or bigint): the same objects cross Electron IPC, the
 * `icebox serve` WebSocket and the CLI's `--json` output. Everything here came from /proc and is
 * untrusted text: render it as text, never as HTML or a command.
 */

/** A namespace of a process compared with Icebox's own. */
export interface NamespaceRef {
  /** Inode number of /proc/PID/ns/KIND, or null when it could not be read. */
  inode: number | null
  /** True when it is the same namespace Icebox runs in. */
  same: boolean
}

export type NamespaceKind = 'pid' | 'mnt' | 'net' | 'ipc' | 'user'

/** Another process holding the other end of a pipe or socket. */
export interface PeerRef {
  pid: number
  name: string
  fd: number | null
}

export type FdEntry =
  RegularFileFd | DirectoryFd | PipeFd | SocketFd | AnonInodeFd | MemfdFd | DeviceFd | UnknownFd

interface FdBase {
  fd: number
}

export interface RegularFileFd extends FdBase {
  kind: 'file'
  path: string
  /** open(2) flags from fdinfo (octal in /proc), when read. */
  flags: number | null
  /** File offset from fdinfo, when read. */
  pos: number | null
  deleted: boolean
  size: number | null
}

export interface DirectoryFd extends FdBase {
  kind: 'dir'
  path: string
}

export interface PipeFd extends FdBase {
  kind: 'pipe'
  /** 'fifo' when the pipe has a name on a filesystem (mkfifo). */
  variant: 'pipe' | 'fifo'
  inode: number
  path: string | null
  /** Which end this fd is, from the fdinfo flags (O_WRONLY → write); null if unknown. */
  end: 'read' | 'write' | null
  /** Every other process holding the same pipe inode (at most 32; see peersOmitted). */
  peers: PeerRef[]
  /**
   * How many more processes hold it than `peers` lists (a pipe inherited by thousands of
   * processes would otherwise make the scan quadratic). Absent when the list is complete; when
   * present, treat the rest as unknown — possibly outside the tree.
   */
  peersOmitted?: number
}

export type SocketProto =
  'unix' | 'tcp' | 'tcp6' | 'udp' | 'udp6' | 'netlink' | 'packet' | 'raw' | 'unknown'

export interface SocketFd extends FdBase {
  kind: 'socket'
  inode: number
  proto: SocketProto
  /** unix: 'stream' | 'dgram' | 'seqpacket'; inet: 'stream' | 'dgram'. */
  type: string | null
  /** TCP state name (ESTABLISHED, LISTEN, …) or unix state (CONNECTED, LISTEN, UNCONNECTED). */
  state: string | null
  /** inet: "127.0.0.1:8080" or "[::1]:8080"; unix: the path, "@name" for abstract, or null. */
  local: string | null
  remote: string | null
  /** unix only: the peer socket's inode (from `ss`), null when unconnected or unknown. */
  peerInode: number | null
  /** unix only: processes holding the peer socket. Empty when unknown; see peerKnown. */
  peers: PeerRef[]
  /** As PipeFd.peersOmitted: further holders of the peer socket not listed in `peers`. */
  peersOmitted?: number
  /** unix only: false when the peer could not be determined (e.g. `ss` missing). */
  peerKnown: boolean
}

export type AnonKind =
  | 'eventfd'
  | 'eventpoll'
  | 'inotify'
  | 'fanotify'
  | 'signalfd'
  | 'timerfd'
  | 'pidfd'
  | 'io_uring'
  | 'userfaultfd'
  | 'perf_event'
  | 'bpf-map'
  | 'bpf-prog'
  | 'bpf-link'
  | 'dmabuf'
  | 'other'

export interface AnonInodeFd extends FdBase {
  kind: 'anon'
  anonKind: AnonKind
  /** The raw link target, e.g. "anon_inode:[io_uring]". */
  target: string
  /** For a pidfd: the pid it refers to (-1 once that process is gone); null when unreadable. */
  pidfdPid?: number | null
}

export interface MemfdFd extends FdBase {
  kind: 'memfd'
  name: string
}

export interface DeviceFd extends FdBase {
  kind: 'device'
  devType: 'char' | 'block'
  major: number
  minor: number
  path: string
}

export interface UnknownFd extends FdBase {
  kind: 'unknown'
  target: string
}

export type LockKind = 'FLOCK' | 'POSIX' | 'OFDLCK' | 'LEASE' | 'DELEG' | 'OTHER'

export interface FileLock {
  kind: LockKind
  mode: 'ADVISORY' | 'MANDATORY' | string
  access: 'READ' | 'WRITE' | string
  /** Device "maj:min" and inode of the locked file. */
  dev: string
  inode: number
  start: string
  end: string
  /** The fd that holds it, when known (OFD locks are found through fdinfo). */
  fd: number | null
  /** Path of the locked file when an fd of this process points at it. */
  path: string | null
}

export interface MappedDevice {
  path: string
  major: number
  minor: number
}

/** What /proc/PID/maps says that matters to CRIU. */
export interface MapsSummary {
  devices: MappedDevice[]
  sysvShm: boolean
  uprobes: boolean
  /** Mapped files that were deleted (not the SysV or memfd ones). */
  deletedFiles: string[]
}

export type ProcessState = 'R' | 'S' | 'D' | 'T' | 't' | 'Z' | 'X' | 'I' | 'P' | string

export interface ProcessInfo {
  pid: number
  ppid: number
  pgid: number
  sid: number
  /** tty_nr from stat (0 = no controlling terminal). */
  ttyNr: number
  /** Controlling terminal name (e.g. "pts/3"), or null. */
  tty: string | null
  /** tpgid from stat: foreground process group of the terminal, -1 if none. */
  tpgid: number
  /** comm (at most 15 characters, untrusted). */
  name: string
  cmdline: string[]
  exe: string | null
  exeDeleted: boolean
  cwd: string | null
  uid: number
  gid: number
  /** Real, effective, saved and filesystem uids/gids from status. */
  uids: [number, number, number, number] | null
  gids: [number, number, number, number] | null
  user: string
  state: ProcessState
  threads: number
  rssBytes: number
  /** utime + stime in milliseconds. */
  cpuTimeMs: number
  /** stat field 22: clock ticks after boot; with btime it gives startTime. */
  startTicks: number
  /** Wall clock start time, ISO 8601. */
  startTime: string
  sessionLeader: boolean
  kernelThread: boolean
  tracerPid: number
  /** Non-zero capability sets (hex) from status, for the helper's checks. */
  capPrm: string | null
  capEff: string | null
  namespaces: Record<NamespaceKind, NamespaceRef>
  /** NSpid levels: more than one means the process lives in a nested pid namespace. */
  nspid: number[]
  fds: FdEntry[]
  locks: FileLock[]
  maps: MapsSummary | null
  /** What could not be read for this process (e.g. "fd: permission denied"). */
  unreadable: string[]
}

export interface ScanResult {
  /** ISO time of the scan. */
  takenAt: string
  /** Icebox's own pid (the `self` rule). */
  selfPid: number
  /** Whether `ss` was available to resolve unix socket peers. */
  ssAvailable: boolean
  processes: ProcessInfo[]
  /** How long the scan took, for the UI and benchmarks. */
  durationMs: number
}

export type Severity = 'blocker' | 'needs-option' | 'warning' | 'info'
export type Verdict = 'freezable' | 'needs-options' | 'blocked'

export type FindingId =
  | 'traced'
  | 'device'
  | 'file-lock'
  | 'tcp-established'
  | 'external-unix-socket'
  | 'external-pipe'
  | 'tty'
  | 'gui-session'
  | 'unsupported-fd'
  | 'external-pidfd'
  | 'deleted-file'
  | 'kernel-thread'
  | 'self'
  | 'other-user'
  | 'foreign-namespace'
  | 'children'
  | 'start-time-changes'
  | 'sysv-shm'
  | 'uprobes'
  | 'zombie'
  | 'inotify'
  /** Something about a process of the tree could not be read: the verdict may miss a problem. */
  | 'incomplete'

/** A criu flag a finding implies. Only flags of the plan's allow-list appear here. */
export type CriuOption =
  | '--shell-job'
  | '--tcp-established'
  | '--tcp-close'
  | '--ext-unix-sk'
  | '--file-locks'
  | '--ghost-limit'
  | '--link-remap'
  | '--allow-uprobes'

export interface Finding {
  id: FindingId
  severity: Severity
  /** The process where it was found. */
  pid: number
  /** Plain language: what CRIU would do and why it matters, and what to do. */
  message: string
  /** Facts behind it: fd numbers, paths, peer pids, addresses. */
  evidence: string[]
  /** For needs-option findings: the criu flag it implies. */
  option?: CriuOption
  /** Other flags that would also satisfy it (e.g. --tcp-close for tcp-established). */
  alternatives?: CriuOption[]
}

export interface Analysis {
  pid: number
  verdict: Verdict
  /** The pids CRIU would take: the process and its descendants. */
  tree: number[]
  findings: Finding[]
  /** The flags the findings imply (first choice of each). */
  criuOptions: CriuOption[]
}
