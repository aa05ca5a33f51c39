/**
 * The process tree and the credentials of each task, straight from pstree.img and core-TID.img.
 * The privileged helper uses this to check, before a restore, that an image only asks for the
 * identity of the user who requested it.
 */
import { ImageError } from './errors'
import { readImage, readImageIfPresent, singleEntry } from './image-dir'
import type { Decoded } from './schema'

/** One process of the dumped tree (pstree.img). */
export interface PstreeTask {
  pid: number
  /** 0 for the root of the dump. */
  ppid: number
  pgid: number
  sid: number
  /** TIDs of all threads, main thread included. Garbage for a dead (zombie) task. */
  threads: number[]
}

/** Credentials of one thread (core-TID.img thread_core.creds). Cap sets are [bits 0–31, 32–63]. */
export interface TaskCreds {
  uid: number
  gid: number
  euid: number
  egid: number
  suid: number
  sgid: number
  fsuid: number
  fsgid: number
  capInh: number[]
  capPrm: number[]
  capEff: number[]
  capBnd: number[]
  capAmb: number[]
  secbits: number
  groups: number[]
  noNewPrivs: boolean
}

/** CRIU task states (task_core_entry.task_state). Zombies are stored as DEAD. */
export const TASK_STATE = { alive: 1, dead: 2, stopped: 3 } as const

/** Reads pstree.img. Throws ImageError on damage or on a pid that is not a positive integer. */
export function readPstree(dir: string): PstreeTask[] {
  const file = readImage(dir, 'pstree.img')
  if (file.type !== 'PSTREE') {
    throw new ImageError('pstree.img', 4, `expected a PSTREE image, found ${file.type}`)
  }
  return file.entries.map((e, i) => {
    const nsPid = (e.ns_pid as number[] | undefined)?.[0]
    const task: PstreeTask = {
      pid: u32(e.pid ?? nsPid),
      ppid: u32(e.ppid),
      pgid: u32(e.pgid),
      sid: u32(e.sid),
      threads: ((e.threads as number[] | undefined) ?? []).map(u32)
    }
    if (task.pid <= 0) {
      throw new ImageError('pstree.img', file.offsets[i] ?? 0, `entry ${i} has no valid pid`)
    }
    return task
  })
}

/** Reads core-TID.img (one entry). */
export function readCore(dir: string, tid: number): Decoded {
  const name = coreName(tid)
  return singleEntry(readImage(dir, name), name, 'CORE')
}

/**
 * Credentials of thread `tid`. Falls back to the legacy creds-TID.img of very old dumps.
 * Throws ImageError when the core holds no credentials (a dead task, or a damaged image).
 */
export function readCoreCreds(dir: string, tid: number): TaskCreds {
  const name = coreName(tid)
  const core = readCore(dir, tid)
  const thread = core.thread_core as Decoded | undefined
  let creds = thread?.creds as Decoded | undefined
  if (creds === undefined) {
    const legacy = readImageIfPresent(dir, `creds-${tid}.img`)
    if (legacy !== null) creds = singleEntry(legacy, `creds-${tid}.img`, 'CREDS')
  }
  if (creds === undefined) {
    throw new ImageError(name, 8, 'the task has no credentials (a dead task, or a damaged image)')
  }
  return credsFromEntry(creds)
}

/** Converts a decoded creds_entry into TaskCreds (missing fields default to 0 / empty). */
export function credsFromEntry(c: Decoded): TaskCreds {
  const words = (v: unknown): number[] => ((v as number[] | undefined) ?? []).map(u32)
  return {
    uid: u32(c.uid),
    gid: u32(c.gid),
    euid: u32(c.euid),
    egid: u32(c.egid),
    suid: u32(c.suid),
    sgid: u32(c.sgid),
    fsuid: u32(c.fsuid),
    fsgid: u32(c.fsgid),
    capInh: words(c.cap_inh),
    capPrm: words(c.cap_prm),
    capEff: words(c.cap_eff),
    capBnd: words(c.cap_bnd),
    capAmb: words(c.cap_amb),
    secbits: u32(c.secbits),
    groups: words(c.groups),
    noNewPrivs: u32(c.no_new_privs) !== 0
  }
}

/** Credentials of every thread of every live task in the tree (dead tasks are skipped). */
export interface ThreadCreds {
  pid: number
  tid: number
  creds: TaskCreds
}

/** Reads pstree.img, then the creds of each thread of every task that is not dead. */
export function readTreeCreds(dir: string): ThreadCreds[] {
  const out: ThreadCreds[] = []
  for (const task of readPstree(dir)) {
    const leader = readCore(dir, task.pid)
    const state = u32((leader.tc as Decoded | undefined)?.task_state)
    if (state === TASK_STATE.dead) continue
    const tids = task.threads.length > 0 ? task.threads : [task.pid]
    for (const tid of tids) out.push({ pid: task.pid, tid, creds: readCoreCreds(dir, tid) })
  }
  return out
}

/** A capability set (two u32 words, low first) as a hex string like "1ffffffffff". */
export function capsToHex(words: number[]): string {
  const lo = BigInt(words[0] ?? 0)
  const hi = BigInt(words[1] ?? 0)
  return ((hi << 32n) | lo).toString(16)
}

function coreName(tid: number): string {
  if (!Number.isSafeInteger(tid) || tid <= 0) {
    throw new ImageError(`core-${String(tid)}.img`, 0, 'not a valid thread id')
  }
  return `core-${tid}.img`
}

function u32(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v >>> 0 : 0
}
