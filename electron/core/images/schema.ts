/**
 * Decodes single protobuf messages against Icebox's own CRIU schema subset (proto/criu.proto).
 *
 * Wire-level reading is protobufjs's Reader; the field tables (proto/criu-schema.ts) are what
 * protobufjs's parser makes of criu.proto, generated ahead of time. Walking those tables instead
 * of running protobufjs's parser and code generator at start-up makes the first decode as fast as
 * the thousandth, which matters for a one-shot `icebox show`; test/unit/images/schema.test.ts
 * checks the result equals protobufjs's own decoder on real images.
 */
import protobuf from 'protobufjs/minimal.js'

import { CRIU_SCHEMA } from './proto/criu-schema'

/** A decoded message: field names as in criu.proto; uint64 as decimal strings; bytes as Uint8Array. */
export type Decoded = Record<string, unknown>

interface FieldSpec {
  name: string
  type: string
  repeated: boolean
  /** Set for message-typed fields. */
  message: MessageSpec | null
  /** Wire type a non-packed value of this field must have. */
  wireType: number
}

interface MessageSpec {
  name: string
  /** Indexed by field number (sparse). */
  fields: Array<FieldSpec | undefined>
}

/** Our messages nest at most 4 levels; anything deeper is hostile. */
const MAX_DEPTH = 32

const WIRE_TYPES: Readonly<Record<string, number>> = {
  int32: 0,
  uint32: 0,
  sint32: 0,
  int64: 0,
  uint64: 0,
  sint64: 0,
  bool: 0,
  fixed64: 1,
  sfixed64: 1,
  double: 1,
  string: 2,
  bytes: 2,
  fixed32: 5,
  sfixed32: 5,
  float: 5
}

let specs: Map<string, MessageSpec> | null = null

function spec(name: string): MessageSpec {
  specs ??= buildSpecs()
  const s = specs.get(name)
  if (!s) throw new Error(`no message ${name} in criu.proto`)
  return s
}

function buildSpecs(): Map<string, MessageSpec> {
  const map = new Map<string, MessageSpec>()
  for (const name of Object.keys(CRIU_SCHEMA)) map.set(name, { name, fields: [] })
  for (const [name, rows] of Object.entries(CRIU_SCHEMA)) {
    const s = map.get(name)!
    for (const [id, fieldName, type, repeated] of rows) {
      const message = map.get(type) ?? null
      const wireType = message ? 2 : WIRE_TYPES[type]
      if (wireType === undefined) throw new Error(`unsupported type ${type} in ${name}`)
      s.fields[id] = { name: fieldName, type, repeated: repeated === 1, message, wireType }
    }
  }
  return map
}

/** True when criu.proto defines this message. */
export function hasMessage(typeName: string): boolean {
  specs ??= buildSpecs()
  return specs.has(typeName)
}

/**
 * Decodes one message. Throws an Error on malformed input (the caller turns it into an
 * ImageError with the file offset). Absent fields stay absent; unknown fields are skipped.
 */
export function decodeMessage(typeName: string, bytes: Uint8Array): Decoded {
  return messageDecoder(bytes)(typeName, 0, bytes.length)
}

/**
 * Decodes messages at [start, end) of one buffer (a whole image file) with one shared Reader.
 * With `only`, top-level fields not named there are skipped unread (cheaper for big arrays).
 */
export type MessageDecoder = (
  typeName: string,
  start: number,
  end: number,
  only?: ReadonlySet<string>
) => Decoded

export function messageDecoder(buf: Uint8Array): MessageDecoder & { reader: protobuf.Reader } {
  const reader = protobuf.Reader.create(buf)
  const decode: MessageDecoder = (typeName, start, end, only) => {
    reader.pos = start
    return decodeInto(spec(typeName), reader, end, 0, only)
  }
  return Object.assign(decode, { reader })
}

/** The Reader type entry readers (ReadImageOptions.readEntry) get. */
export type WireReader = protobuf.Reader

function decodeInto(
  s: MessageSpec,
  r: protobuf.Reader,
  end: number,
  depth: number,
  only?: ReadonlySet<string>
): Decoded {
  if (depth > MAX_DEPTH) throw new Error('max depth exceeded')
  const out: Decoded = {}
  while (r.pos < end) {
    const tag = r.uint32()
    const id = tag >>> 3
    const wire = tag & 7
    if (id === 0) throw new Error('illegal tag: field number 0')
    const f = s.fields[id]
    if (f === undefined || (only !== undefined && !only.has(f.name))) {
      r.skipType(wire)
      continue
    }
    if (f.message !== null) {
      if (wire !== 2) throw new Error(`field ${f.name}: wire type ${wire}, expected 2`)
      const subEnd = boundedEnd(r, end)
      set(out, f, decodeInto(f.message, r, subEnd, depth + 1))
      if (r.pos !== subEnd) throw new Error(`field ${f.name}: message overruns its length`)
    } else if (f.repeated && wire === 2 && f.wireType !== 2) {
      // Packed repeated scalars.
      const subEnd = boundedEnd(r, end)
      const list = ((out[f.name] as unknown[] | undefined) ??= [])
      while (r.pos < subEnd) list.push(readScalar(r, f.type))
      if (r.pos !== subEnd) throw new Error(`field ${f.name}: packed values overrun their length`)
    } else {
      if (wire !== f.wireType) {
        throw new Error(`field ${f.name}: wire type ${wire}, expected ${f.wireType}`)
      }
      set(out, f, readScalar(r, f.type))
    }
  }
  if (r.pos !== end) throw new Error('message overruns its length')
  return out
}

function boundedEnd(r: protobuf.Reader, end: number): number {
  const len = r.uint32()
  const subEnd = r.pos + len
  if (subEnd > end) throw new RangeError(`length ${len} runs past the enclosing message`)
  return subEnd
}

function set(out: Decoded, f: FieldSpec, value: unknown): void {
  if (f.repeated) ((out[f.name] as unknown[] | undefined) ??= []).push(value)
  else out[f.name] = value
}

function readScalar(r: protobuf.Reader, type: string): unknown {
  switch (type) {
    case 'uint32':
      return r.uint32()
    case 'int32':
      return r.int32()
    case 'sint32':
      return r.sint32()
    case 'bool':
      return r.bool()
    case 'string':
      return r.string()
    case 'bytes':
      return r.bytes()
    case 'uint64':
      return varint64(r, false)
    case 'int64':
      return varint64(r, true)
    case 'sint64':
      return zigzag64(varint64(r, true))
    case 'fixed64':
      return longToDecimal(r.fixed64(), false)
    case 'sfixed64':
      return longToDecimal(r.sfixed64(), true)
    case 'fixed32':
      return r.fixed32()
    case 'sfixed32':
      return r.sfixed32()
    case 'float':
      return r.float()
    case 'double':
      return r.double()
    default:
      throw new Error(`unsupported type ${type}`)
  }
}

/**
 * A 64-bit value from the Reader (a Long's low/high words) as an exact decimal string. Done here
 * rather than with Long#toString, whose division is slow on first use; values below 2^53 (almost
 * all of them) take the plain-number path.
 */
function longToDecimal(v: number | { low: number; high: number }, signed: boolean): string {
  if (typeof v === 'number') return String(v)
  const lo = v.low >>> 0
  const hi = v.high >>> 0
  if (hi < 0x200000 && !(signed && v.high < 0)) return String(hi * 0x100000000 + lo)
  const big = (BigInt(hi) << 32n) | BigInt(lo)
  return (signed ? BigInt.asIntN(64, big) : big).toString()
}

/** Low and high 32 bits of the last varint64 read (module state: no allocation per value). */
let varLo = 0
let varHi = 0

/** Reads a varint of up to 10 bytes from the Reader's buffer into varLo/varHi. */
function readVarint64Words(r: protobuf.Reader): void {
  const buf = r.buf
  let pos = r.pos
  let lo = 0
  let hi = 0
  for (let shift = 0; shift < 70; shift += 7) {
    if (pos >= r.len) throw new RangeError('varint runs past the end of the message')
    const b = buf[pos++]!
    const bits = b & 0x7f
    if (shift < 28) lo |= bits << shift
    else if (shift === 28) {
      lo |= (bits & 0x0f) << 28
      hi |= bits >> 4
    } else hi |= bits << (shift - 32)
    if (b < 0x80) {
      r.pos = pos
      varLo = lo >>> 0
      varHi = hi >>> 0
      return
    }
  }
  throw new Error('varint longer than 10 bytes')
}

/**
 * A 64-bit varint read straight from the Reader's buffer as an exact decimal string (pagemap
 * and mm files hold thousands of them; going through Long objects was the slowest part of a
 * decode). `signed` reads it as two's complement (int64).
 */
function varint64(r: protobuf.Reader, signed: boolean): string {
  readVarint64Words(r)
  return longToDecimal({ low: varLo, high: varHi }, signed)
}

/** A uint64 varint as a number, saturating at 2^53 − 1 (counts, sizes). */
export function varint64Number(r: protobuf.Reader): number {
  readVarint64Words(r)
  return varHi < 0x200000 ? varHi * 0x100000000 + varLo : Number.MAX_SAFE_INTEGER
}

/** Undoes zigzag encoding (sint64) on a decimal string from varint64(…, true). */
function zigzag64(decimal: string): string {
  const n = BigInt.asUintN(64, BigInt(decimal))
  const v = (n >> 1n) ^ -(n & 1n)
  return v.toString()
}
