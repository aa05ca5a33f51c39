/** Builders for hand-made CRIU image bytes in unit tests. */

export const COMMON = 0x54564319
export const SERVICE = 0x55105940

/** A protobuf varint. */
export function varint(n: number | bigint): number[] {
  let v = BigInt(n)
  const out: number[] = []
  do {
    let byte = Number(v & 0x7fn)
    v >>= 7n
    if (v > 0n) byte |= 0x80
    out.push(byte)
  } while (v > 0n)
  return out
}

/** Field `num` as a varint (wire type 0). */
export function vfield(num: number, value: number | bigint): number[] {
  return [...varint((num << 3) | 0), ...varint(value)]
}

/** Field `num` as length-delimited bytes (wire type 2). */
export function bfield(num: number, bytes: number[] | Uint8Array): number[] {
  return [...varint((num << 3) | 2), ...varint(bytes.length), ...bytes]
}

export function u32le(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff]
}

/** A whole image: head magic (unless null), type magic, then [size][message][extra] entries. */
export function image(
  typeMagic: number,
  entries: Array<number[] | { msg: number[]; extra: number[] }>,
  head: number | null = COMMON
): Uint8Array {
  const out: number[] = []
  if (head !== null) out.push(...u32le(head))
  out.push(...u32le(typeMagic))
  for (const e of entries) {
    const msg = Array.isArray(e) ? e : e.msg
    out.push(...u32le(msg.length), ...msg)
    if (!Array.isArray(e)) out.push(...e.extra)
  }
  return Uint8Array.from(out)
}

export const MAGIC = {
  INVENTORY: 0x58313116,
  PSTREE: 0x50273030,
  CORE: 0x55053847,
  PAGEMAP: 0x56084025,
  PIPES_DATA: 0x56453709,
  TCP_STREAM: 0x51465506,
  GHOST_FILE: 0x52583605,
  FILES: 0x56303138,
  IPCNS_SHM: 0x46283044,
  CPUINFO: 0x61404013,
  STATS: 0x57093306
} as const
