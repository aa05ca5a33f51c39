/**
 * A deliberately small, strict protobuf reader for the CRIU images the helper must verify
 * (security-model.md §4.6). The bytes are attacker-controlled, so every length is bounds-checked,
 * groups and unknown wire types are refused, and a field that should appear once but appears
 * twice is refused instead of being merged (protobuf's last-one-wins would let a second copy
 * override what a lenient reader saw first). Field numbers come from
 * electron/core/images/proto/criu.proto. Also the cheap way to read pstree.img and stats-dump
 * where the full decoder (protobufjs and the whole criu schema, ~25 ms to load) is not otherwise
 * needed: restore's pre-flight and the freeze's stats.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs'
import { join } from 'node:path'

export const HEAD_MAGIC = 0x54564319
/** Head magic of the service files (stats-dump, stats-restore). */
export const SERVICE_MAGIC = 0x55105940
const PSTREE_MAGIC = 0x50273030
const MAX_IMAGE = 16 * 1024 * 1024

export class ImageCheckError extends Error {}

/** How an image file starts: see splitEntries. */
export type ImageHeader = 'common' | 'single' | 'service'

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
    if (no === 0) throw new ImageCheckError('field number 0')
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

/** An optional non-repeated field: undefined when absent, refused when duplicated. */
export function optional(fs: Field[], no: number): Field | undefined {
  const hits = fs.filter((f) => f.no === no)
  if (hits.length > 1) throw new ImageCheckError(`field ${no} appears ${hits.length} times`)
  return hits[0]
}

/** A uint32 field that must appear exactly once, as a varint. */
export function oneU32(fs: Field[], no: number): number {
  const f = one(fs, no)
  if (f.wire !== 0) throw new ImageCheckError(`field ${no} is not a number`)
  return u32(f.varint)
}

/** An embedded message field that must appear exactly once. */
export function oneMessage(fs: Field[], no: number, what: string): Uint8Array {
  const f = one(fs, no)
  if (f.wire !== 2 || !f.bytes) throw new ImageCheckError(`${what} is not a message`)
  return f.bytes
}

/** A string field that must appear exactly once and be valid UTF-8. */
export function oneString(fs: Field[], no: number, what: string): string {
  return utf8(oneMessage(fs, no, what), what)
}

/** An optional string field: null when absent; refused when duplicated or not UTF-8. */
export function optionalString(fs: Field[], no: number, what: string): string | null {
  const f = optional(fs, no)
  if (!f) return null
  if (f.wire !== 2 || !f.bytes) throw new ImageCheckError(`${what} is not a string`)
  return utf8(f.bytes, what)
}

function utf8(bytes: Uint8Array, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new ImageCheckError(`${what} is not valid UTF-8`)
  }
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

/** Reads a file safely (no symlinks, regular file, bounded); null when it does not exist. */
export function readImageFile(path: string): Buffer | null {
  let fd: number
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new ImageCheckError(`${path} could not be opened safely`)
  }
  try {
    const st = fstatSync(fd)
    if (!st.isFile() || st.size > MAX_IMAGE)
      throw new ImageCheckError(`${path}: not a small regular file`)
    const buf = Buffer.alloc(st.size)
    if (readSync(fd, buf, 0, st.size, 0) !== st.size)
      throw new ImageCheckError(`${path}: short read`)
    return buf
  } finally {
    closeSync(fd)
  }
}

/**
 * Splits image bytes into entries. Most images start with the common magic then their own;
 * inventory.img starts with its own magic only (`single`); stats files start with the service
 * magic then their own (`service`).
 */
export function splitEntries(
  buf: Uint8Array,
  magic: number,
  name: string,
  header: ImageHeader = 'common'
): Uint8Array[] {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength)
  const head = header === 'service' ? SERVICE_MAGIC : HEAD_MAGIC
  const ok =
    header === 'single'
      ? b.length >= 4 && b.readUInt32LE(0) === magic
      : b.length >= 8 && b.readUInt32LE(0) === head && b.readUInt32LE(4) === magic
  if (!ok) throw new ImageCheckError(`${name}: wrong magic`)
  const out: Uint8Array[] = []
  let off = header === 'single' ? 4 : 8
  while (off < b.length) {
    if (off + 4 > b.length) throw new ImageCheckError(`${name}: truncated entry size`)
    const len = b.readUInt32LE(off)
    off += 4
    if (off + len > b.length) throw new ImageCheckError(`${name}: entry overruns file`)
    out.push(b.subarray(off, off + len))
    off += len
  }
  return out
}

/** Reads an image file safely and returns its entries; a missing file is refused. */
export function readEntries(
  path: string,
  magic: number,
  header: ImageHeader = 'common'
): Uint8Array[] {
  const buf = readImageFile(path)
  if (!buf) throw new ImageCheckError(`${path.slice(path.lastIndexOf('/') + 1)} is missing`)
  return splitEntries(buf, magic, path, header)
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
