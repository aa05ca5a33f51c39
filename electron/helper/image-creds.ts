/**
 * Reads the two facts the helper must verify in a stored image set before it is accepted or
 * restored (security-model.md §4.6): the process tree (pstree.img) and each task's credentials
 * (core-TID.img → thread_core.creds), with the strict reader of core/images/strict-proto.ts (the
 * bytes are attacker-controlled). The exe link, namespaces and plugins are checked in
 * image-origin.ts.
 */
import { join } from 'node:path'

import { readTreeCreds, TASK_STATE, type TaskCreds } from '../core/images/creds'
import { CORE_MAGIC } from '../core/images/magic'
import {
  fields,
  ImageCheckError,
  one,
  readEntries,
  readPstreeStrict,
  repeated,
  u32,
  type PstreeEntry
} from '../core/images/strict-proto'

export { CORE_MAGIC, ImageCheckError, type PstreeEntry }

/** What the helper checks of a thread's credentials (the bounding set and no_new_privs are not). */
export type ImageCreds = Omit<TaskCreds, 'capBnd' | 'noNewPrivs'>

/** The credentials CRIU will give thread `tid` on restore. */
export function readCredsStrict(dir: string, tid: number): ImageCreds {
  const entries = readEntries(join(dir, `core-${tid}.img`), CORE_MAGIC)
  if (entries.length !== 1) throw new ImageCheckError(`core-${tid}.img: expected one entry`)
  const tc = one(fields(entries[0] as Uint8Array), 5).bytes
  if (!tc) throw new ImageCheckError(`core-${tid}.img: thread_core is not a message`)
  const cr = one(fields(tc), 10).bytes
  if (!cr) throw new ImageCheckError(`core-${tid}.img: creds is not a message`)
  const fs = fields(cr)
  const n = (no: number): number => u32(one(fs, no).varint)
  return {
    uid: n(1),
    gid: n(2),
    euid: n(3),
    egid: n(4),
    suid: n(5),
    sgid: n(6),
    fsuid: n(7),
    fsgid: n(8),
    capInh: repeated(fs, 9),
    capPrm: repeated(fs, 10),
    capEff: repeated(fs, 11),
    capAmb: repeated(fs, 19),
    secbits: n(13),
    groups: repeated(fs, 14)
  }
}

/** True when the task was a zombie at dump time (core has tc.task_state DEAD and no thread_core). */
export function isDeadTask(dir: string, pid: number): boolean {
  const entries = readEntries(join(dir, `core-${pid}.img`), CORE_MAGIC)
  if (entries.length !== 1) throw new ImageCheckError(`core-${pid}.img: expected one entry`)
  const fs = fields(entries[0] as Uint8Array)
  if (fs.some((f) => f.no === 5)) return false
  const tc = one(fs, 3).bytes
  if (!tc) throw new ImageCheckError(`core-${pid}.img: tc is not a message`)
  return u32(one(fields(tc), 1).varint) === TASK_STATE.dead
}

/** Why these creds may not be restored for the user, or null. Pure. */
export function credsRefusal(c: ImageCreds, uid: number, groups: readonly number[]): string | null {
  if ([c.uid, c.euid, c.suid, c.fsuid].some((u) => u !== uid))
    return 'a task would run as another user'
  if ([c.gid, c.egid, c.sgid, c.fsgid, ...c.groups].some((g) => !groups.includes(g))) {
    return 'a task would run with a group you are not in'
  }
  if ([...c.capInh, ...c.capPrm, ...c.capEff, ...c.capAmb].some((w) => w !== 0)) {
    return 'a task would hold capabilities'
  }
  if (c.secbits !== 0) return 'a task would have securebits set'
  return null
}

/**
 * Verifies the whole image set: the tree's root is `rootPid` (when given) and every thread of
 * every task has acceptable creds. Returns the tree; throws ImageCheckError with the reason.
 */
export function verifyImageSet(
  dir: string,
  uid: number,
  groups: readonly number[],
  rootPid: number | null
): PstreeEntry[] {
  const tree = readPstreeStrict(dir)
  const root = tree[0]
  if (!root || root.ppid !== 0) throw new ImageCheckError('the image has no root task')
  if (rootPid !== null && root.pid !== rootPid) {
    throw new ImageCheckError(`the image's root task is ${root.pid}, not ${rootPid}`)
  }
  if (tree.length > 4096) throw new ImageCheckError('too many tasks')
  for (const t of tree) {
    // A zombie's thread list is garbage and it gets no creds; only its parent's matter.
    if (t !== root && isDeadTask(dir, t.pid)) continue
    if (t.threads.length === 0 || t.threads.length > 4096)
      throw new ImageCheckError('bad thread list')
    for (const tid of t.threads) {
      const why = credsRefusal(readCredsStrict(dir, tid), uid, groups)
      if (why) throw new ImageCheckError(`${why} (thread ${tid})`)
    }
  }
  crossCheck(dir, uid, groups)
  return tree
}

/**
 * Second opinion from the app's full image decoder (protobufjs, engineer D's): if the two readers
 * disagree about any thread, or the full decoder sees creds that are not the user's, refuse.
 */
function crossCheck(dir: string, uid: number, groups: readonly number[]): void {
  let all
  try {
    all = readTreeCreds(dir)
  } catch (e) {
    throw new ImageCheckError(`the image could not be decoded: ${(e as Error).message}`)
  }
  for (const t of all) {
    const why = credsRefusal(t.creds, uid, groups)
    if (why) throw new ImageCheckError(`${why} (thread ${t.tid})`)
  }
}
