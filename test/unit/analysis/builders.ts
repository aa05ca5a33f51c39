/**
 * Builders of ProcessInfo / ScanResult objects for rule tests: a plausible, freezable process by
 * default (session leader, no tty, same namespaces, stdio on /dev/null), changed per test.
 */
import type {
  AnonInodeFd,
  AnonKind,
  DeviceFd,
  FdEntry,
  FileLock,
  Finding,
  NamespaceRef,
  PeerRef,
  PipeFd,
  ProcessInfo,
  RegularFileFd,
  ScanResult,
  SocketFd
} from '../../../electron/common/model'
import { analyze } from '../../../electron/core/analysis/analyze'
import type { AnalysisContext } from '../../../electron/core/analysis/context'

export const SELF_PID = 9999

const sameNs = (inode: number): NamespaceRef => ({ inode, same: true })

/** /dev/null on fds 0, 1 and 2. */
export function devNullStdio(): DeviceFd[] {
  return [0, 1, 2].map((fd) => device(fd, '/dev/null', 1, 3))
}

export function proc(pid: number, over: Partial<ProcessInfo> = {}): ProcessInfo {
  return {
    pid,
    ppid: 1,
    pgid: pid,
    sid: pid,
    ttyNr: 0,
    tty: null,
    tpgid: -1,
    name: `proc${pid}`,
    cmdline: [`/usr/bin/proc${pid}`],
    exe: `/usr/bin/proc${pid}`,
    exeDeleted: false,
    cwd: '/',
    uid: 1000,
    gid: 1000,
    uids: [1000, 1000, 1000, 1000],
    gids: [1000, 1000, 1000, 1000],
    user: 'alice',
    state: 'S',
    threads: 1,
    rssBytes: 4096 * 100,
    cpuTimeMs: 10,
    startTicks: 1000,
    startTime: '2026-11-27T00:00:00.000Z',
    sessionLeader: over.sid === undefined || over.sid === pid,
    kernelThread: false,
    tracerPid: 0,
    capPrm: null,
    capEff: null,
    namespaces: {
      pid: sameNs(1),
      mnt: sameNs(2),
      net: sameNs(3),
      ipc: sameNs(4),
      user: sameNs(5)
    },
    nspid: [pid],
    fds: devNullStdio(),
    locks: [],
    maps: { devices: [], sysvShm: false, uprobes: false, deletedFiles: [] },
    unreadable: [],
    ...over
  }
}

export function scanOf(processes: ProcessInfo[], over: Partial<ScanResult> = {}): ScanResult {
  return {
    takenAt: '2026-11-27T00:00:00.000Z',
    selfPid: SELF_PID,
    ssAvailable: true,
    processes,
    durationMs: 1,
    ...over
  }
}

export function peer(pid: number, fd: number | null = 3, name = `proc${pid}`): PeerRef {
  return { pid, name, fd }
}

export function device(
  fd: number,
  path: string,
  major: number,
  minor: number,
  devType: 'char' | 'block' = 'char'
): DeviceFd {
  return { fd, kind: 'device', devType, major, minor, path }
}

export function pipe(
  fd: number,
  inode: number,
  peers: PeerRef[],
  over: Partial<PipeFd> = {}
): PipeFd {
  return { fd, kind: 'pipe', variant: 'pipe', inode, path: null, end: 'read', peers, ...over }
}

export function unixSocket(fd: number, over: Partial<SocketFd> = {}): SocketFd {
  return {
    fd,
    kind: 'socket',
    inode: 5000 + fd,
    proto: 'unix',
    type: 'stream',
    state: 'CONNECTED',
    local: null,
    remote: null,
    peerInode: null,
    peers: [],
    peerKnown: true,
    ...over
  }
}

export function tcpSocket(fd: number, over: Partial<SocketFd> = {}): SocketFd {
  return {
    fd,
    kind: 'socket',
    inode: 7000 + fd,
    proto: 'tcp',
    type: 'stream',
    state: 'ESTABLISHED',
    local: '127.0.0.1:40000',
    remote: '127.0.0.1:8080',
    peerInode: null,
    peers: [],
    peerKnown: true,
    ...over
  }
}

export function anon(
  fd: number,
  anonKind: AnonKind,
  target = `anon_inode:[${anonKind}]`
): AnonInodeFd {
  return { fd, kind: 'anon', anonKind, target }
}

export function file(fd: number, path: string, over: Partial<RegularFileFd> = {}): RegularFileFd {
  return { fd, kind: 'file', path, flags: 0, pos: 0, deleted: false, size: 10, ...over }
}

export function lock(over: Partial<FileLock> = {}): FileLock {
  return {
    kind: 'FLOCK',
    mode: 'ADVISORY',
    access: 'WRITE',
    dev: 'fe:00',
    inode: 1234,
    start: '0',
    end: 'EOF',
    fd: 3,
    path: '/tmp/lockfile',
    ...over
  }
}

/** fds of a process: /dev/null stdio plus the given ones. */
export function withFds(...fds: FdEntry[]): FdEntry[] {
  return [...devNullStdio(), ...fds]
}

/** Runs the whole analysis on a scan of `processes` and returns the findings with this id. */
export function findingsWithId(
  processes: ProcessInfo[],
  rootPid: number,
  id: Finding['id'],
  opts: { context?: AnalysisContext; scan?: Partial<ScanResult> } = {}
): Finding[] {
  const analysis = analyze(scanOf(processes, opts.scan), rootPid, opts.context ?? ROOT_CONTEXT)
  return analysis.findings.filter((f) => f.id === id)
}

export const ROOT_CONTEXT: AnalysisContext = { mode: 'root', uid: 0 }
export const USER_CONTEXT: AnalysisContext = { mode: 'user', uid: 1000 }
