/**
 * readSnapshotView(dir): everything a person browsing a snapshot wants to know, decoded from
 * the CRIU images in `dir`. Never throws for a damaged snapshot: the view then says 'damaged'
 * with the file and byte offset, and keeps what was readable before the damage.
 */
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

import { toErrorData } from '../../common/errors'
import type {
  CriuTimings,
  ImageDamage,
  SnapshotCreds,
  SnapshotFd,
  SnapshotFdGroup,
  SnapshotFeatures,
  SnapshotFileKind,
  SnapshotProcess,
  SnapshotTotals,
  SnapshotView,
  TaskStateName
} from '../../common/snapshot-view'
import { capsToHex, credsFromEntry, readPstree, TASK_STATE, type PstreeTask } from './creds'
import { describeFd } from './describe-fd'
import { ImageError } from './errors'
import { loadFileTable, regOf, u32, u64n, type FileTable } from './file-table'
import { readImage, readImageIfPresent, singleEntry } from './image-dir'
import { countPages, mappedFileIds, readPagemapCounts, summarizeMemory } from './memory'
import { ownNamespaces, readLocks, resolvePeers } from './process-links'
import { checkRestore, type NeededFile } from './restore-checks'
import type { Decoded } from './schema'

export interface ReadSnapshotViewOptions {
  /** Skip the offline restore checks (they stat files and /proc). */
  restoreChecks?: boolean
  procRoot?: string
}

/** Fixed order of fd groups in the view. */
const KIND_ORDER: SnapshotFileKind[] = [
  'file',
  'dir',
  'device',
  'tty',
  'pipe',
  'fifo',
  'unix',
  'tcp',
  'udp',
  'inet',
  'packet',
  'netlink',
  'memfd',
  'eventfd',
  'eventpoll',
  'inotify',
  'fanotify',
  'signalfd',
  'timerfd',
  'namespace',
  'tun',
  'bpf',
  'pidfd',
  'external',
  'unknown'
]

const STATE_NAMES: Record<number, TaskStateName> = {
  [TASK_STATE.alive]: 'alive',
  [TASK_STATE.dead]: 'dead',
  [TASK_STATE.stopped]: 'stopped'
}

/** Decodes the snapshot in `dir`. */
export function readSnapshotView(dir: string, opts: ReadSnapshotViewOptions = {}): SnapshotView {
  const view: SnapshotView = {
    dir,
    status: 'ok',
    damage: null,
    rootPid: null,
    processes: [],
    totals: emptyTotals(),
    timings: null,
    features: emptyFeatures(),
    restoreChecks: null
  }
  try {
    fillView(view, dir, opts)
  } catch (err) {
    view.status = 'damaged'
    view.damage = damageOf(err)
    for (const p of view.processes) p.fdGroups = groupFds(p.fds)
  }
  return view
}

/** Turns anything thrown while decoding into ImageDamage (an ImageError keeps file + offset). */
export function damageOf(err: unknown): ImageDamage {
  if (err instanceof ImageError) {
    return { file: err.file, offset: err.offset, reason: err.reason, message: err.message }
  }
  const data = toErrorData(err)
  return { file: '', offset: 0, reason: data.message, message: data.message }
}

function fillView(view: SnapshotView, dir: string, opts: ReadSnapshotViewOptions): void {
  // Directory listing first: sizes come from stat, and pages-*.img are never opened.
  const listing = listDir(dir)
  view.totals.imageFiles = listing.size
  for (const [name, size] of listing) {
    view.totals.imageBytes += size
    if (/^pages-\d+\.img$/.test(name)) view.totals.pageBytes += size
  }

  const inventory = singleEntry(readImage(dir, 'inventory.img'), 'inventory.img', 'INVENTORY')
  fillFeatures(view.features, inventory, listing, dir)
  view.timings = readTimings(dir)

  const tasks = readPstree(dir)
  view.rootPid = tasks.find((t) => t.ppid === 0)?.pid ?? tasks[0]?.pid ?? null
  const table = loadFileTable(dir)
  const locks = readLocks(dir)
  const rootIds = (inventory.root_ids as Decoded | undefined) ?? {}
  const needed = new Map<string, NeededFile>()
  const tcpQueued = (inode: number): number | null => {
    const name = `tcp-stream-${inode.toString(16)}.img`
    if (!listing.has(name)) return null
    const img = readImage(dir, name)
    const e = singleEntry(img, name, 'TCP_STREAM')
    return u32(e.inq_len) + u32(e.outq_len)
  }

  for (const task of tasks) {
    const proc = readProcess(dir, task, table, tcpQueued, needed, rootIds)
    for (const fd of proc.fds) fd.lock = locks.get(`${proc.pid}/${fd.fd}`) ?? null
    view.processes.push(proc)
  }
  resolvePeers(view.processes)
  for (const p of view.processes) p.fdGroups = groupFds(p.fds)
  view.totals = { ...view.totals, ...sumTotals(view.processes) }

  if (opts.restoreChecks !== false) {
    view.restoreChecks = checkRestore({
      processes: view.processes,
      neededFiles: [...needed.values()],
      procRoot: opts.procRoot
    })
  }
}

function readProcess(
  dir: string,
  task: PstreeTask,
  table: FileTable,
  tcpQueued: (inode: number) => number | null,
  needed: Map<string, NeededFile>,
  rootIds: Decoded
): SnapshotProcess {
  const coreName = `core-${task.pid}.img`
  const core = singleEntry(readImage(dir, coreName), coreName, 'CORE')
  const tc = (core.tc as Decoded | undefined) ?? {}
  const stateCode = u32(tc.task_state)
  const state = STATE_NAMES[stateCode] ?? 'unknown'
  const thread = core.thread_core as Decoded | undefined
  const credsEntry = thread?.creds as Decoded | undefined
  const creds = credsEntry === undefined ? null : snapshotCreds(credsEntry)
  const exitStatus = state === 'dead' ? u32(tc.exit_code) : null
  const seccompMode = u32(thread?.seccomp_mode ?? tc.old_seccomp_mode)

  const proc: SnapshotProcess = {
    pid: task.pid,
    ppid: task.ppid,
    pgid: task.pgid,
    sid: task.sid,
    comm: typeof tc.comm === 'string' ? tc.comm : '',
    state,
    exitStatus,
    exitText: exitStatus === null ? null : exitText(exitStatus),
    stopSignal: state === 'stopped' && tc.stop_signo !== undefined ? u32(tc.stop_signo) : null,
    uid: creds?.uid ?? null,
    gid: creds?.gid ?? null,
    creds,
    threads: [],
    cwd: null,
    root: null,
    fds: [],
    fdGroups: [],
    memory: null,
    seccomp: seccompMode === 2 ? 'filter' : seccompMode === 1 ? 'strict' : 'disabled',
    namespaces: []
  }
  // A dead task has only its core image; its pstree threads are garbage (§2.2).
  if (state === 'dead') return proc

  for (const tid of task.threads.length > 0 ? task.threads : [task.pid]) {
    if (tid === task.pid) {
      proc.threads.push({ tid, comm: stringOr(thread?.comm) ?? proc.comm })
      continue
    }
    const name = `core-${tid}.img`
    const tcore = singleEntry(readImage(dir, name), name, 'CORE')
    proc.threads.push({ tid, comm: stringOr((tcore.thread_core as Decoded | undefined)?.comm) })
  }

  const ids = singleEntry(readImage(dir, `ids-${task.pid}.img`), `ids-${task.pid}.img`, 'IDS')
  proc.namespaces = ownNamespaces(ids, rootIds)
  const fdinfoName = `fdinfo-${u32(ids.files_id)}.img`
  const fdinfo = readImage(dir, fdinfoName)
  for (const e of fdinfo.entries) {
    const fd = describeFd(u32(e.fd), u32(e.id), u32(e.type), table, { tcpQueued })
    proc.fds.push(fd)
    if ((fd.kind === 'file' || fd.kind === 'dir' || fd.kind === 'device') && !fd.deleted) {
      addNeeded(needed, fd.path, fd.kind === 'file' ? fd.size : null)
    }
  }
  proc.fds.sort((a, b) => a.fd - b.fd)

  const fsImg = readImageIfPresent(dir, `fs-${task.pid}.img`)
  if (fsImg !== null) {
    const fs = singleEntry(fsImg, `fs-${task.pid}.img`, 'FS')
    proc.cwd = stringOr(regOf(table, u32(fs.cwd_id))?.name)
    proc.root = stringOr(regOf(table, u32(fs.root_id))?.name)
    addNeeded(needed, proc.cwd, null)
  }

  const mmImg = readImageIfPresent(dir, `mm-${task.pid}.img`)
  if (mmImg !== null) {
    const mm = singleEntry(mmImg, `mm-${task.pid}.img`, 'MM')
    const pagemap = readImageIfPresent(dir, `pagemap-${task.pid}.img`, {
      readEntry: readPagemapCounts
    })
    if (pagemap !== null && pagemap.type !== 'PAGEMAP') {
      throw new ImageError(`pagemap-${task.pid}.img`, 4, `expected PAGEMAP, found ${pagemap.type}`)
    }
    const legacy =
      Array.isArray(mm.vmas) && mm.vmas.length > 0
        ? []
        : (readImageIfPresent(dir, `vmas-${task.pid}.img`)?.entries ?? [])
    proc.memory = summarizeMemory(mm, countPages(pagemap), table, legacy)
    // The executable and every mapped file must be there again, unchanged, for a restore.
    for (const id of [u32(mm.exe_file_id), ...mappedFileIds(mm)]) {
      const reg = regOf(table, id)
      if (reg === undefined || table.remapped.has(u32(reg.id))) continue
      addNeeded(needed, stringOr(reg.name), reg64(reg.size))
    }
  }
  return proc
}

function groupFds(fds: SnapshotFd[]): SnapshotFdGroup[] {
  const groups: SnapshotFdGroup[] = []
  for (const kind of KIND_ORDER) {
    const list = fds.filter((f) => f.kind === kind)
    if (list.length > 0) groups.push({ kind, fds: list })
  }
  return groups
}

function sumTotals(processes: SnapshotProcess[]): Partial<SnapshotTotals> {
  const t = { processes: processes.length, threads: 0, openFds: 0, vmas: 0, mappedBytes: 0 }
  const pages = { pagesPresent: 0, pagesLazy: 0, pagesInParent: 0 }
  for (const p of processes) {
    t.threads += p.threads.length
    t.openFds += p.fds.length
    if (p.memory) {
      t.vmas += p.memory.vmaCount
      t.mappedBytes += p.memory.mappedBytes
      pages.pagesPresent += p.memory.pagesPresent
      pages.pagesLazy += p.memory.pagesLazy
      pages.pagesInParent += p.memory.pagesInParent
    }
  }
  return { ...t, ...pages }
}

function readTimings(dir: string): CriuTimings | null {
  const img = readImageIfPresent(dir, 'stats-dump')
  if (img === null) return null
  const dump = singleEntry(img, 'stats-dump', 'STATS').dump as Decoded | undefined
  if (dump === undefined) return null
  return {
    freezingUs: u32(dump.freezing_time),
    frozenUs: u32(dump.frozen_time),
    memdumpUs: u32(dump.memdump_time),
    memwriteUs: u32(dump.memwrite_time),
    pagesScanned: u64n(dump.pages_scanned),
    pagesSkippedParent: u64n(dump.pages_skipped_parent),
    pagesWritten: u64n(dump.pages_written),
    pagesLazy: u64n(dump.pages_lazy)
  }
}

function fillFeatures(
  f: SnapshotFeatures,
  inventory: Decoded,
  listing: Map<string, number>,
  dir: string
): void {
  const lock = inventory.network_lock_method
  f.networkLock = lock === 0 ? 'iptables' : lock === 1 ? 'nftables' : lock === 2 ? 'skip' : null
  f.tcpClose = inventory.tcp_close === true
  f.imgVersion = inventory.img_version === undefined ? null : u32(inventory.img_version)
  for (const name of listing.keys()) {
    if (/^timens-\d+\.img$/.test(name)) f.timens = true
    if (/^ghost-file-[0-9a-f]+\.img$/.test(name)) f.ghostFiles++
    if (/^tcp-stream-[0-9a-f]+\.img$/.test(name)) f.tcpStreams++
  }
  f.cgroup = listing.has('cgroup.img')
  const seccomp = readImageIfPresent(dir, 'seccomp.img')
  const filters = seccomp?.entries[0]?.seccomp_filters
  f.seccompFilters = Array.isArray(filters) ? filters.length : 0
  f.fileLocks = readImageIfPresent(dir, 'filelocks.img')?.entries.length ?? 0
}

function snapshotCreds(entry: Decoded): SnapshotCreds {
  const c = credsFromEntry(entry)
  return {
    uid: c.uid,
    gid: c.gid,
    euid: c.euid,
    egid: c.egid,
    suid: c.suid,
    sgid: c.sgid,
    fsuid: c.fsuid,
    fsgid: c.fsgid,
    groups: c.groups,
    capEff: capsToHex(c.capEff),
    capPrm: capsToHex(c.capPrm),
    capInh: capsToHex(c.capInh),
    capBnd: capsToHex(c.capBnd),
    capAmb: capsToHex(c.capAmb),
    secbits: c.secbits,
    noNewPrivs: c.noNewPrivs
  }
}

/** "exited 7" / "killed by signal 9" from a wait(2) status. */
export function exitText(status: number): string {
  const sig = status & 0x7f
  if (sig === 0) return `exited ${(status >> 8) & 0xff}`
  return `killed by signal ${sig}`
}

function listDir(dir: string): Map<string, number> {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch (err) {
    throw new ImageError('.', 0, `cannot list the images directory: ${(err as Error).message}`)
  }
  const out = new Map<string, number>()
  for (const name of names) {
    try {
      const st = statSync(join(dir, name))
      if (st.isFile()) out.set(name, st.size)
    } catch {
      // A file vanishing while we list is not damage to the snapshot.
    }
  }
  return out
}

function addNeeded(map: Map<string, NeededFile>, path: string | null, size: number | null): void {
  if (path === null || path === '' || map.has(path)) return
  map.set(path, { path, expectedSize: size })
}

function reg64(v: unknown): number | null {
  return v === undefined ? null : u64n(v)
}

function stringOr(v: unknown): string | null {
  return typeof v === 'string' ? v : null
}

function emptyTotals(): SnapshotTotals {
  return {
    processes: 0,
    threads: 0,
    openFds: 0,
    vmas: 0,
    mappedBytes: 0,
    pageBytes: 0,
    pagesPresent: 0,
    pagesLazy: 0,
    pagesInParent: 0,
    imageBytes: 0,
    imageFiles: 0
  }
}

function emptyFeatures(): SnapshotFeatures {
  return {
    timens: false,
    seccompFilters: 0,
    cgroup: false,
    fileLocks: 0,
    ghostFiles: 0,
    tcpStreams: 0,
    networkLock: null,
    tcpClose: false,
    imgVersion: null
  }
}
