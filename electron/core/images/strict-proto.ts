/**
 * A deliberately small, strict protobuf reader for CRIU images whose bytes may be
 * attacker-controlled (the helper's checks, security-model.md §4.6): every length is
 * bounds-checked, and a field that should appear once but appears twice is refused instead of
 * being merged (protobuf's last-one-wins would let a second copy override what a lenient reader
 * saw first). Also the cheap way to read pstree.img where the full decoder (protobufjs and the
 * whole criu schema, ~25 ms to load) is not otherwise needed: restore's pre-flight.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs'
import { join } from 'node:path'

const HEAD_MAGIC = 0x54564319
/** Head magic of the service files (stats-dump, stats-restore). */
export const SERVICE_MAGIC = 0x55105940
const PSTREE_MAGIC = 0x50273030
const MAX_IMAGE = 16 * 1024 * 1024

export class ImageCheckError extends Error {}

export interface PstreeEntry {
  pid: number
  ppid: number
  threads: number[]
}

export type Field = { no: number; wire: number; varint?: bigint; bytes?: Uint8Array }

/** Splits one protobuf message into fields (varint and length-delimited; fixed too, skipped). */
export function fields(buf: Uint8Array): Field[] {
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

export function u32(v: bigint | undefined): number {
  if (v === undefined || v > 0xffffffffn) throw new ImageCheckError('bad uint32')
  return Number(v)
}

/** The single value of a non-repeated field; refuses duplicates and absence. */
export function one(fs: Field[], no: number): Field {
  const hits = fs.filter((f) => f.no === no)
  if (hits.length !== 1) throw new ImageCheckError(`field ${no} appears ${hits.length} times`)
  return hits[0] as Field
}

/** A repeated uint32 field, packed or not. */
export function repeated(fs: Field[], no: number): number[] {
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

/**
 * Reads an image file safely (no symlinks, regular file, bounded) and returns its entries; `head`
 * is the first word (normal images: the common magic).
 */
export function readEntries(path: string, magic: number, head = HEAD_MAGIC): Uint8Array[] {
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
  if (buf.length < 8 || buf.readUInt32LE(0) !== head || buf.readUInt32LE(4) !== magic) {
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
