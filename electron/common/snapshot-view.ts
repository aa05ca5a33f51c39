/**
 * What a snapshot holds, decoded from CRIU's own images (electron/core/images): the process
 * tree, each process's open files and memory, CRIU's timings and offline restore checks.
 *
 * Pure data, JSON-safe (no bigint, Map or Date). Every string came from an image file and is
 * untrusted: render it as text. Byte counts are plain numbers (exact below 2^53 bytes); 64-bit
 * addresses are hex strings.
 */

/** Where an image is damaged: the image file, the byte offset and what was wrong. */
export interface ImageDamage {
  file: string
  offset: number
  reason: string
  message: string
}

/** CRIU task states as stored (zombies are stored as 'dead'). */
export type TaskStateName = 'alive' | 'dead' | 'stopped' | 'unknown'

export type SnapshotFileKind =
  | 'file'
  | 'dir'
  | 'device'
  | 'pipe'
  | 'fifo'
  | 'unix'
  | 'tcp'
  | 'udp'
  | 'inet'
  | 'packet'
  | 'netlink'
  | 'tty'
  | 'memfd'
  | 'eventfd'
  | 'eventpoll'
  | 'inotify'
  | 'fanotify'
  | 'signalfd'
  | 'timerfd'
  | 'namespace'
  | 'tun'
  | 'bpf'
  | 'pidfd'
  | 'external'
  | 'unknown'

/** Another fd inside the same snapshot holding the other end of a pipe or socket. */
export interface SnapshotPeer {
  pid: number
  fd: number
  comm: string
}

/** One open fd of a process, as stored in the snapshot. Fields that do not apply are null. */
export interface SnapshotFd {
  fd: number
  /** The file-description id in files.img (dup'ed fds share one). */
  fileId: number
  kind: SnapshotFileKind
  /** One line for people: a path, "127.0.0.1:80 → 127.0.0.1:5000", "pipe:[1234] read end"… */
  description: string
  path: string | null
  /** open(2) flags of the file description. */
  flags: number | null
  /** File offset. */
  pos: number | null
  /** Size at dump time (regular files, memfd). */
  size: number | null
  /** True for a file that was deleted while open (saved inside the snapshot as a ghost file). */
  deleted: boolean
  /** Socket inode or pipe id. */
  inode: number | null
  /** Socket type (stream, dgram, seqpacket, raw) or pipe end (read, write). */
  type: string | null
  /** TCP/unix state name (ESTABLISHED, LISTEN, CLOSE…). */
  state: string | null
  /** inet: "127.0.0.1:8080" / "[::1]:8080"; unix: path, "@abstract" or null. */
  local: string | null
  remote: string | null
  /** unix only: inode of the peer socket (0 → null). */
  peerInode: number | null
  /** Holders of the other end inside the snapshot (pipes and unix sockets). */
  peers: SnapshotPeer[]
  /** TCP only: bytes queued in the receive + send queues (from tcp-stream-*.img). */
  queuedBytes: number | null
  /** A file lock held through this fd (filelocks.img): "flock write", "posix read", … */
  lock: string | null
}

export interface SnapshotFdGroup {
  kind: SnapshotFileKind
  fds: SnapshotFd[]
}

export interface SnapshotCreds {
  uid: number
  gid: number
  euid: number
  egid: number
  suid: number
  sgid: number
  fsuid: number
  fsgid: number
  groups: number[]
  /** Capability sets as hex strings ("0", "1ffffffffff"). */
  capEff: string
  capPrm: string
  capInh: string
  capBnd: string
  capAmb: string
  secbits: number
  noNewPrivs: boolean
}

export interface SnapshotMemory {
  /** Number of mappings (CRIU's guard pseudo-mappings not counted). */
  vmaCount: number
  /** Sum of mapping sizes in bytes. */
  mappedBytes: number
  /** Pages stored in the snapshot × page size. */
  dumpedBytes: number
  pagesPresent: number
  pagesLazy: number
  pagesInParent: number
  /** Path of the executable. */
  exe: string | null
}

export interface SnapshotThread {
  tid: number
  comm: string | null
}

export interface SnapshotProcess {
  pid: number
  /** 0 for the root of the snapshot. */
  ppid: number
  pgid: number
  sid: number
  comm: string
  state: TaskStateName
  /** Raw wait status of a dead (zombie) task; null otherwise. */
  exitStatus: number | null
  /** "exited 7" / "killed by signal 9" for a dead task; null otherwise. */
  exitText: string | null
  /** STOPPED tasks: the signal that stopped them. */
  stopSignal: number | null
  uid: number | null
  gid: number | null
  creds: SnapshotCreds | null
  threads: SnapshotThread[]
  cwd: string | null
  root: string | null
  /** Open fds, sorted by fd number. */
  fds: SnapshotFd[]
  /** The same fds grouped by kind (kinds in a fixed order). */
  fdGroups: SnapshotFdGroup[]
  memory: SnapshotMemory | null
  seccomp: 'disabled' | 'strict' | 'filter'
  /**
   * Namespaces in which the process differs from the CRIU that dumped it ("pid", "net", "mnt",
   * "ipc", "uts", "user", "cgroup", "time"): it ran in a container or its own namespace.
   */
  namespaces: string[]
}

/** CRIU's own timings from stats-dump (µs) and page counters. */
export interface CriuTimings {
  freezingUs: number
  frozenUs: number
  memdumpUs: number
  memwriteUs: number
  pagesScanned: number
  pagesSkippedParent: number
  pagesWritten: number
  pagesLazy: number
}

export interface SnapshotTotals {
  processes: number
  threads: number
  openFds: number
  vmas: number
  mappedBytes: number
  /** Page data stored: the sum of pages-*.img sizes (from stat; never read). */
  pageBytes: number
  pagesPresent: number
  pagesLazy: number
  pagesInParent: number
  /** Every file in the images directory. */
  imageBytes: number
  imageFiles: number
}

export interface SnapshotFeatures {
  /** timens-*.img present: clocks are restored relative to the dump. */
  timens: boolean
  /** seccomp.img holds at least one filter. */
  seccompFilters: number
  /** cgroup.img present: the tree was in its own cgroups. */
  cgroup: boolean
  fileLocks: number
  ghostFiles: number
  tcpStreams: number
  /** network lock method recorded in inventory.img. */
  networkLock: 'iptables' | 'nftables' | 'skip' | null
  tcpClose: boolean
  imgVersion: number | null
}

export interface RestorePidCheck {
  pid: number
  /** True when no process or thread uses this pid now. */
  free: boolean
}

export interface RestoreFileCheck {
  path: string
  /** Size recorded in the snapshot (regular files), or null. */
  expectedSize: number | null
  exists: boolean
  /** Size now; null when missing or not a regular file. */
  size: number | null
  /** True when it exists and, for regular files, has the recorded size. */
  ok: boolean
}

export interface RestoreTcpConnection {
  pid: number
  fd: number
  local: string
  remote: string
  state: string
}

/** What can be checked without running CRIU: are the pids free, are the files still there. */
export interface RestoreChecks {
  pids: RestorePidCheck[]
  files: RestoreFileCheck[]
  tcpConnections: RestoreTcpConnection[]
  /** Plain sentences, one per problem found. Empty when nothing stands in the way. */
  problems: string[]
}

export interface SnapshotView {
  dir: string
  status: 'ok' | 'damaged'
  /** Set when status is 'damaged'; the rest of the view then holds what was readable. */
  damage: ImageDamage | null
  rootPid: number | null
  processes: SnapshotProcess[]
  totals: SnapshotTotals
  timings: CriuTimings | null
  features: SnapshotFeatures
  restoreChecks: RestoreChecks | null
}
