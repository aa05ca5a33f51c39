/**
 * Decodes single protobuf messages against Icebox's own CRIU schema subset (proto/criu.proto)
 * with protobufjs. The schema is parsed once, on first use.
 */
import protobuf from 'protobufjs'

import { CRIU_PROTO } from './proto/criu-proto'

let root: protobuf.Root | null = null
const types = new Map<string, protobuf.Type>()

/** Options that make decoded messages plain data: uint64 as decimal strings, enums as numbers. */
const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: Number, bytes: Uint8Array }

function lookup(name: string): protobuf.Type {
  let type = types.get(name)
  if (type) return type
  root ??= protobuf.parse(CRIU_PROTO, { keepCase: true }).root
  type = root.lookupType(`icebox.criu.${name}`)
  types.set(name, type)
  return type
}

/** A decoded message: field names as in criu.proto; uint64 as decimal strings; bytes as Uint8Array. */
export type Decoded = Record<string, unknown>

/**
 * Decodes one message. Throws whatever protobufjs throws on malformed input (the caller turns
 * it into an ImageError with the file offset). Absent fields stay absent.
 */
export function decodeMessage(typeName: string, bytes: Uint8Array): Decoded {
  const type = lookup(typeName)
  const message = type.decode(bytes)
  return type.toObject(message, TO_OBJECT) as Decoded
}

/** True when criu.proto defines this message. */
export function hasMessage(typeName: string): boolean {
  try {
    lookup(typeName)
    return true
  } catch {
    return false
  }
}
