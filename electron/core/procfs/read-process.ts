/**
 * Reads one process from /proc into a ProcessInfo (fds classified, peers not joined yet).
 * Returns null when the process vanished; access problems are recorded in `unreadable`.
 */
import type {
  MappedDevice,
  MapsSummary,
  NamespaceKind,
  NamespaceRef,
  ProcessInfo
} from '../../common/model'
import { devMajor, devMinor } from './dev'
import { readFds, type FdScan } from './fds'
import { failureOf, fromRaw, IoFailure, mainRawIo, readLink, statPath } from './io'
import { parseCmdline } from './parse-cmdline'
import { parseMaps } from './parse-maps'
import { isKernelThread, parseStat, type StatFields } from './parse-stat'
import { parseStatus } from './parse-status'
import { rawReadProcess, type RawProcess, type RawWhat } from './raw'
import { ttyName } from './tty'

export const NAMESPACE_KINDS: readonly NamespaceKind[] = ['pid', 'mnt', 'net', 'ipc', 'user']

/** Per-scan context shared by every process read. */
export interface ReadContext {
  procRoot: string
  bootTime: number
  clkTck: number
  pageSize: number
  users: Map<number, string>
  selfNs: Record<NamespaceKind, number | null>
  /** Device path → rdev, so mapped devices are stat'ed once per scan. */
  deviceCache: Map<string, MappedDevice | null>
  /** What the raw reads include beyond the uniform part. */
  raw: RawWhat
  /** Namespace refs by ns link text ("net:[4026531840]"), shared by the processes in it. */
  nsRefs?: Map<string, NamespaceRef>
}

/** A process plus what the scan needs to join it with the others. */
export interface ReadProcess {
  info: ProcessInfo
  fdScan: FdScan
}

/** "net:[4026531840]" → 4026531840. */
export function namespaceInode(link: string): number | null {
  const open = link.indexOf('[')
  if (open < 0 || !link.endsWith(']')) return null
  const n = Number(link.slice(open + 1, -1))
  return Number.isSafeInteger(n) ? n : null
}

/** Namespace inodes of /proc/PID (or /proc/self). */
export function readNamespaceInodes(
  base: string,
  unreadable?: string[]
): Record<NamespaceKind, number | null> {
  const out = { pid: null, mnt: null, net: null, ipc: null, user: null } as Record<
    NamespaceKind,
    number | null
  >
  let denied = false
  for (const kind of NAMESPACE_KINDS) {
    const link = readLink(`${base}/ns/${kind}`)
    if (link instanceof IoFailure) {
      if (link.reason === 'denied') denied = true
      continue
    }
    out[kind] = namespaceInode(link)
  }
  if (denied && unreadable) unreadable.push('ns: permission denied')
  return out
}

const DELETED = ' (deleted)'

/** Reads /proc/PID; null when the process is gone (or its stat is not a stat line). */
export function readProcess(pid: number, ctx: ReadContext): ReadProcess | null {
  return processFromRaw(rawReadProcess(mainRawIo(), ctx.procRoot, pid, ctx.raw), ctx)
}

/**
 * Interprets a raw read of /proc/PID (made here or by a worker thread), reading what depends on
 * the fds (stat of paths, fdinfo) on the way; null when the process is gone.
 */
export function processFromRaw(raw: RawProcess, ctx: ReadContext): ReadProcess | null {
  const pid = raw.pid
  const base = `${ctx.procRoot}/${pid}`
  if (typeof raw.stat !== 'string') return null
  const st = parseStat(raw.stat)
  if (!st) return null
  const unreadable: string[] = []
  const kernelThread = isKernelThread(st)

  const statusText = fromRaw(raw.status)
  if (statusText instanceof IoFailure && statusText.reason === 'gone') return null
  const status = typeof statusText === 'string' ? parseStatus(statusText) : null
  if (statusText instanceof IoFailure) unreadable.push(`status: ${statusText.describe()}`)

  let uid = status?.uids?.[1] ?? -1
  let gid = status?.gids?.[1] ?? -1
  if (uid < 0) {
    // /proc/PID is owned by the process's effective uid and gid.
    const dirStat = statPath(base)
    if (dirStat instanceof IoFailure) return null
    uid = dirStat.uid
    gid = dirStat.gid
  }

  const cmdText = kernelThread ? '' : fromRaw(raw.cmdline)
  let cmdline: string[] = []
  if (typeof cmdText === 'string') cmdline = parseCmdline(cmdText)
  else if (cmdText.reason !== 'gone') unreadable.push(`cmdline: ${cmdText.describe()}`)

  let exe: string | null = null
  let exeDeleted = false
  let cwd: string | null = null
  if (!kernelThread) {
    const exeLink = fromRaw(raw.exe)
    if (typeof exeLink === 'string') {
      exeDeleted = exeLink.endsWith(DELETED)
      exe = exeDeleted ? exeLink.slice(0, -DELETED.length) : exeLink
    } else if (exeLink.reason === 'denied') unreadable.push('exe: permission denied')
    const cwdLink = fromRaw(raw.cwd)
    if (typeof cwdLink === 'string') cwd = cwdLink
    else if (cwdLink.reason === 'denied') unreadable.push('cwd: permission denied')
  }

  let nsDenied = false
  const nsRef = (i: number): NamespaceRef => {
    const link = raw.ns[i] ?? { code: 'ENOENT' }
    if (typeof link !== 'string') {
      if (failureOf(link.code).reason === 'denied') nsDenied = true
      return { inode: null, same: false }
    }
    // Thousands of processes share a few namespaces: one (read-only) ref per link text.
    let ref = (ctx.nsRefs ??= new Map()).get(link)
    if (!ref) {
      const inode = namespaceInode(link)
      ref = { inode, same: inode !== null && inode === ctx.selfNs[NAMESPACE_KINDS[i]!] }
      ctx.nsRefs.set(link, ref)
    }
    return ref
  }
  const namespaces: Record<NamespaceKind, NamespaceRef> = {
    pid: nsRef(0),
    mnt: nsRef(1),
    net: nsRef(2),
    ipc: nsRef(3),
    user: nsRef(4)
  }
  if (nsDenied) unreadable.push('ns: permission denied')

  const fdScan = readFds(raw)
  if (fdScan.gone && !kernelThread) {
    // A zombie keeps /proc/PID but its fd directory may be gone; only a missing /proc/PID
    // means the process exited.
    if (statPath(base) instanceof IoFailure) return null
  }
  unreadable.push(...fdScan.unreadable)

  let maps: MapsSummary | null = null
  if (kernelThread) maps = { devices: [], sysvShm: false, uprobes: false, deletedFiles: [] }
  else if (raw.maps !== null) maps = mapsSummary(fromRaw(raw.maps), ctx, unreadable)

  // One flat literal: spreading fromStat's object and adding 21 properties to the copy grew its
  // property store step by step (~10 % of the main thread's time in a 3000-process scan).
  const s = fromStat(pid, st, ctx)
  return {
    info: {
      pid,
      ppid: s.ppid,
      pgid: s.pgid,
      sid: s.sid,
      ttyNr: s.ttyNr,
      tty: s.tty,
      tpgid: s.tpgid,
      state: s.state,
      rssBytes: s.rssBytes,
      cpuTimeMs: s.cpuTimeMs,
      startTicks: s.startTicks,
      startTime: s.startTime,
      sessionLeader: s.sessionLeader,
      name: ownCopy(st.comm),
      cmdline,
      exe,
      exeDeleted,
      cwd,
      uid,
      gid,
      uids: status?.uids ?? null,
      gids: status?.gids ?? null,
      user: ctx.users.get(uid) ?? String(uid),
      threads: status?.threads ?? st.threads,
      kernelThread,
      tracerPid: status?.tracerPid ?? 0,
      capPrm: nonZeroCaps(status?.capPrm ?? null),
      capEff: nonZeroCaps(status?.capEff ?? null),
      namespaces,
      nspid: status?.nspid.length ? status.nspid : [pid],
      fds: fdScan.fds.sort((a, b) => a.fd - b.fd),
      locks: fdScan.locks,
      maps,
      unreadable
    },
    fdScan
  }
}

/** The fields of a ProcessInfo that come from /proc/PID/stat alone. */
export function fromStat(
  pid: number,
  st: StatFields,
  ctx: Pick<ReadContext, 'bootTime' | 'clkTck' | 'pageSize'>
): Pick<
  ProcessInfo,
  | 'pid'
  | 'ppid'
  | 'pgid'
  | 'sid'
  | 'ttyNr'
  | 'tty'
  | 'tpgid'
  | 'state'
  | 'rssBytes'
  | 'cpuTimeMs'
  | 'startTicks'
  | 'startTime'
  | 'sessionLeader'
> {
  const ticksToMs = 1000 / ctx.clkTck
  return {
    pid,
    ppid: st.ppid,
    pgid: st.pgid,
    sid: st.sid,
    ttyNr: st.ttyNr,
    tty: ttyName(st.ttyNr),
    tpgid: st.tpgid,
    state: st.state,
    rssBytes: st.rssPages * ctx.pageSize,
    cpuTimeMs: Math.round((st.utime + st.stime) * ticksToMs),
    startTicks: st.startTicks,
    startTime: new Date(ctx.bootTime * 1000 + st.startTicks * ticksToMs).toISOString(),
    sessionLeader: st.sid === pid
  }
}

function nonZeroCaps(hex: string | null): string | null {
  return hex === null || /^0+$/.test(hex) ? null : ownCopy(hex)
}

/**
 * A copy of a short value cut from a whole /proc file. V8 keeps a slice's parent string alive:
 * a 16-character capability mask kept as a slice would keep all 1.4 KB of its status text.
 */
function ownCopy(s: string): string {
  return (' ' + s).slice(1)
}

function mapsSummary(
  text: string | IoFailure,
  ctx: ReadContext,
  unreadable: string[]
): MapsSummary | null {
  if (text instanceof IoFailure) {
    if (text.reason !== 'gone') unreadable.push(`maps: ${text.describe()}`)
    return null
  }
  const facts = parseMaps(text)
  const devices: MappedDevice[] = []
  for (const path of facts.devicePaths) {
    let dev = ctx.deviceCache.get(path)
    if (dev === undefined) {
      const st = statPath(path)
      dev = null
      if (!(st instanceof IoFailure) && (st.isCharacterDevice() || st.isBlockDevice())) {
        dev = { path, major: devMajor(st.rdev), minor: devMinor(st.rdev) }
      }
      ctx.deviceCache.set(path, dev)
    }
    if (dev) devices.push(dev)
  }
  return {
    devices,
    sysvShm: facts.sysvShm,
    uprobes: facts.uprobes,
    deletedFiles: facts.deletedFiles
  }
}
