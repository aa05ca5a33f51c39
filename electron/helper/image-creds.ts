/**
 * Reads the two facts the helper must verify in a stored image set before it is accepted or
 * restored (security-model.md §4.6): the process tree (pstree.img) and each task's credentials
 * (core-TID.img → thread_core.creds). A deliberately small, strict protobuf reader: the bytes are
 * attacker-controlled, so every length is bounds-checked, and a field that should appear once but
 * appears twice is refused instead of being merged (protobuf's last-one-wins would let a second
 * copy override what a lenient reader saw first).
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs'
import { join } from 'node:path'

import { readTreeCreds } from '../core/images/creds'

const HEAD_MAGIC = 0x54564319
const PSTREE_MAGIC = 0x50273030
const CORE_MAGIC = 0x55053847
/** task_state of a zombie in core.tc. */
const TASK_DEAD = 2
const MAX_IMAGE = 16 * 1024 * 1024

export class ImageCheckError extends Error {}

export interface PstreeEntry {
  pid: number
  ppid: number
  threads: number[]
}

export interface ImageCreds {
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
  capAmb: number[]
  secbits: number
  groups: number[]
}

type Field = { no: number; wire: number; varint?: bigint; bytes?: Uint8Array }

/** Splits one protobuf message into fields (varint and length-delimited; fixed too, skipped). */
function fields(buf: Uint8Array): Field[] {
  const out: Field[] = []
  let i = 0
  const varint = (): bigint => {
    let v = 0n
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (i >= buf.length) throw new ImageCheckError('truncated varint')
      const b = buf[i++] as number
      v |= BigInt(b & 0x7f) << shift
      if ((b & 0x80) === 0) return v
    }
    throw new ImageCheckError('varint too long')
  }
  while (i < buf.length) {
    const key = varint()
    const no = Number(key >> 3n)
    const wire = Number(key & 7n)
    if (wire === 0) out.push({ no, wire, varint: varint() })
    else if (wire === 2) {
      const len = Number(varint())
      if (len < 0 || i + len > buf.length) throw new ImageCheckError('field overruns message')
      out.push({ no, wire, bytes: buf.subarray(i, i + len) })
      i += len
    } else if (wire === 1) i += 8
    else if (wire === 5) i += 4
    else throw new ImageCheckError(`unsupported wire type ${wire}`)
    if (i > buf.length) throw new ImageCheckError('field overruns message')
  }
  return out
}

function u32(v: bigint | undefined): number {
  if (v === undefined || v > 0xffffffffn) throw new ImageCheckError('bad uint32')
  return Number(v)
}

/** The single value of a non-repeated field; refuses duplicates and absence. */
function one(fs: Field[], no: number): Field {
  const hits = fs.filter((f) => f.no === no)
  if (hits.length !== 1) throw new ImageCheckError(`field ${no} appears ${hits.length} times`)
  return hits[0] as Field
}

/** A repeated uint32 field, packed or not. */
function repeated(fs: Field[], no: number): number[] {
  const out: number[] = []
  for (const f of fs.filter((x) => x.no === no)) {
    if (f.wire === 0) out.push(u32(f.varint))
    else if (f.bytes) {
      for (const p of fields(wrapPacked(f.bytes))) out.push(u32(p.varint))
    }
  }
  return out
}

/** Re-frames a packed varint run as field-1 varints so `fields` can read it. */
function wrapPacked(bytes: Uint8Array): Uint8Array {
  const out: number[] = []
  let start = 0
  for (let i = 0; i < bytes.length; i++) {
    if (((bytes[i] as number) & 0x80) === 0) {
      out.push(0x08, ...bytes.subarray(start, i + 1))
      start = i + 1
    }
  }
  if (start !== bytes.length) throw new ImageCheckError('truncated packed field')
  return Uint8Array.from(out)
}

/** Reads an image file safely (no symlinks, regular file, bounded) and returns its entries. */
function readEntries(path: string, magic: number): Uint8Array[] {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
  let buf: Buffer
  try {
    const st = fstatSync(fd)
    if (!st.isFile() || st.size > MAX_IMAGE)
      throw new ImageCheckError(`${path}: not a small regular file`)
    buf = Buffer.alloc(st.size)
    if (readSync(fd, buf, 0, st.size, 0) !== st.size)
      throw new ImageCheckError(`${path}: short read`)
  } finally {
    closeSync(fd)
  }
  if (buf.length < 8 || buf.readUInt32LE(0) !== HEAD_MAGIC || buf.readUInt32LE(4) !== magic) {
    throw new ImageCheckError(`${path}: wrong magic`)
  }
  const out: Uint8Array[] = []
  let off = 8
  while (off < buf.length) {
    if (off + 4 > buf.length) throw new ImageCheckError(`${path}: truncated entry size`)
    const len = buf.readUInt32LE(off)
    off += 4
    if (off + len > buf.length) throw new ImageCheckError(`${path}: entry overruns file`)
    out.push(buf.subarray(off, off + len))
    off += len
  }
  return out
}

/** All processes of the image set, parent before child. */
export function readPstreeStrict(dir: string): PstreeEntry[] {
  return readEntries(join(dir, 'pstree.img'), PSTREE_MAGIC).map((e) => {
    const fs = fields(e)
    return {
      pid: u32(one(fs, 1).varint),
      ppid: u32(one(fs, 2).varint),
      threads: repeated(fs, 5)
    }
  })
}

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
  return u32(one(fields(tc), 1).varint) === TASK_DEAD
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
