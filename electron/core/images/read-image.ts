/**
 * Framing of one CRIU image file (docs/criu-image-format.md §1): head magic, type magic, then
 * [u32 size][message][extra] until EOF. Pure: takes the bytes, never touches the disk.
 *
 * Every size word is checked against what is left of the buffer and against a per-entry cap
 * before anything is sliced, so a hostile 4 GiB size word costs nothing.
 */
import { ImageError } from './errors'
import {
  HEAD_MESSAGE_FOR_TYPE,
  IMG_COMMON_MAGIC,
  IMG_SERVICE_MAGIC,
  INVENTORY_MAGIC,
  MAGIC_NAMES,
  MESSAGE_FOR_TYPE
} from './magic'
import { messageDecoder, type Decoded, type WireReader } from './schema'

/** Largest message we accept (CRIU's own messages are at most a few hundred KiB). */
export const DEFAULT_ENTRY_CAP = 16 * 1024 * 1024

/** A raw payload stored after a message (pipe data, socket queues, ghost file contents…). */
export interface ExtraRef {
  /** Index of the entry the payload belongs to. */
  entry: number
  /** Byte offset of the payload in the file. */
  offset: number
  length: number
}

export interface ImageFile {
  /** Symbolic type from the magic, e.g. "CORE", "FILES", "PAGEMAP". */
  type: string
  magic: number
  /** Decoded messages (uint64 as decimal strings). For PAGEMAP, entry 0 is the pagemap_head. */
  entries: Decoded[]
  /** Byte offset of each entry's message (after its size word), parallel to `entries`. */
  offsets: number[]
  extras: ExtraRef[]
  /** True when Icebox has no schema for this type: framing was checked, messages left empty. */
  undecoded: boolean
}

export interface ReadImageOptions {
  /** Per-entry size cap in bytes (default 16 MiB). */
  entryCap?: number
  /**
   * Decode only these top-level fields of each entry (a head message is decoded whole); the
   * others are skipped unread. For big arrays such as pagemap where a view needs a few fields.
   */
  fields?: readonly string[]
  /**
   * Reads each non-head entry itself from the shared Reader (positioned at the message, which
   * ends at `end`) instead of the schema decoder: a tight loop for huge arrays such as pagemap.
   * Must consume exactly the message; may throw on damage.
   */
  readEntry?: (r: WireReader, end: number) => Decoded
}

/** Types whose extra payloads we cannot size without a schema: framing is not walked. */
const OPAQUE_TYPES = new Set(['IPCNS_SHM', 'IPCNS_SEM', 'IPCNS_MSG', 'BPFMAP_DATA'])

/**
 * Parses one image file. `name` is the file name, used in errors and to tell apart types
 * that share a magic. Throws ImageError (file + byte offset) on any damage.
 */
export function readImageFile(
  buf: Uint8Array,
  name: string,
  opts: ReadImageOptions = {}
): ImageFile {
  const cap = opts.entryCap ?? DEFAULT_ENTRY_CAP
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  const len = buf.byteLength
  if (len < 4) throw new ImageError(name, 0, `file is ${len} bytes, too short for a magic`)

  const first = view.getUint32(0, true)
  let magic: number
  let pos: number
  if (first === IMG_COMMON_MAGIC || first === IMG_SERVICE_MAGIC) {
    if (len < 8) throw new ImageError(name, 4, 'file ends inside the type magic')
    magic = view.getUint32(4, true)
    pos = 8
  } else if (first === INVENTORY_MAGIC) {
    magic = first
    pos = 4
  } else if (
    view.getUint32(0, false) === IMG_COMMON_MAGIC ||
    view.getUint32(0, false) === INVENTORY_MAGIC
  ) {
    throw new ImageError(name, 0, 'big-endian image (from another machine type): not supported')
  } else {
    throw new ImageError(name, 0, `unknown head magic 0x${hex(first)}`)
  }

  const type = MAGIC_NAMES.get(magic)
  if (type === undefined) {
    throw new ImageError(name, pos - 4, `unknown image magic 0x${hex(magic)}`)
  }
  const file: ImageFile = { type, magic, entries: [], offsets: [], extras: [], undecoded: false }
  const messageType = MESSAGE_FOR_TYPE[type]
  if (messageType === undefined || OPAQUE_TYPES.has(type)) {
    file.undecoded = true
    if (OPAQUE_TYPES.has(type)) return file
  }

  const decode = messageDecoder(buf)
  const only = opts.fields ? new Set(opts.fields) : undefined
  let ghostChunks = false
  while (pos < len) {
    if (len - pos < 4) throw new ImageError(name, pos, 'file ends inside a size word')
    const size = view.getUint32(pos, true)
    if (size > cap) {
      throw new ImageError(name, pos, `entry size ${size} is larger than the ${cap}-byte cap`)
    }
    if (size > len - pos - 4) {
      throw new ImageError(
        name,
        pos,
        `entry size ${size} runs past the end of the file (${len - pos - 4} bytes left)`
      )
    }
    const at = pos + 4
    const index = file.offsets.length
    pos = at + size
    file.offsets.push(at)
    if (file.undecoded) {
      file.entries.push({})
      continue
    }

    let typeName = messageType!
    let fields = only
    if (index === 0 && HEAD_MESSAGE_FOR_TYPE[type]) {
      typeName = HEAD_MESSAGE_FOR_TYPE[type]
      fields = undefined
    }
    if (type === 'GHOST_FILE' && index > 0) typeName = 'ghost_chunk_entry'
    let entry: Decoded
    try {
      if (opts.readEntry && typeName === messageType) {
        decode.reader.pos = at
        entry = opts.readEntry(decode.reader, at + size)
        if (decode.reader.pos !== at + size) throw new Error('message overruns its length')
      } else {
        entry = decode(typeName, at, at + size, fields)
      }
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err)
      throw new ImageError(name, at, `bad ${typeName} message (${why})`)
    }
    file.entries.push(entry)

    // Raw payloads that follow a message (§1.4).
    let extra = 0
    switch (type) {
      case 'PIPES_DATA':
      case 'FIFO_DATA':
        extra = num(entry.bytes)
        break
      case 'SK_QUEUES':
        extra = num(entry.length)
        break
      case 'TCP_STREAM':
        extra = num(entry.inq_len) + num(entry.outq_len)
        break
      case 'GHOST_FILE':
        if (index === 0) {
          ghostChunks = entry.chunks === true
          if (!ghostChunks) extra = len - pos
        } else if (ghostChunks) {
          extra = num(entry.len)
        }
        break
    }
    if (extra > 0) {
      if (extra > len - pos) {
        throw new ImageError(
          name,
          pos,
          `payload of ${extra} bytes runs past the end of the file (${len - pos} bytes left)`
        )
      }
      file.extras.push({ entry: index, offset: pos, length: extra })
      pos += extra
    }
  }
  return file
}

/** A u32/u64 field (number or decimal string) as a safe integer; absent → 0. */
function num(v: unknown): number {
  if (typeof v === 'number') return v
  if (typeof v === 'string') {
    const n = Number(v)
    return Number.isSafeInteger(n) ? n : Number.MAX_SAFE_INTEGER
  }
  return 0
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0')
}
