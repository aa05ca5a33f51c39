/**
 * The dump-wide table of open file descriptions: files.img (CRIU ≥ 3.4) or, for older dumps,
 * the per-type legacy images, normalised to files.img's shape ({ type, id, <kind>: {...} }).
 */
import { readImageIfPresent } from './image-dir'
import type { Decoded } from './schema'

/** fd_types numbers (§2.6). */
export const FD_TYPE = {
  UND: 0,
  REG: 1,
  PIPE: 2,
  FIFO: 3,
  INETSK: 4,
  UNIXSK: 5,
  EVENTFD: 6,
  EVENTPOLL: 7,
  INOTIFY: 8,
  SIGNALFD: 9,
  PACKETSK: 10,
  TTY: 11,
  FANOTIFY: 12,
  NETLINKSK: 13,
  NS: 14,
  TUNF: 15,
  EXT: 16,
  TIMERFD: 17,
  MEMFD: 18,
  BPFMAP: 19,
  PIDFD: 20
} as const

/** file_entry sub-message field for each fd type. */
export const SUBMESSAGE_FOR_FD_TYPE: Readonly<Record<number, string>> = {
  1: 'reg',
  2: 'pipe',
  3: 'fifo',
  4: 'isk',
  5: 'usk',
  6: 'efd',
  7: 'epfd',
  8: 'ify',
  9: 'sgfd',
  10: 'psk',
  11: 'tty',
  12: 'ffy',
  13: 'nlsk',
  14: 'nsf',
  15: 'tunf',
  16: 'ext',
  17: 'tfd',
  18: 'memfd',
  19: 'bpf',
  20: 'pidfd'
}

/** Legacy per-type images (≤ 3.3) and the fd type of their entries. */
const LEGACY_IMAGES: ReadonlyArray<[string, number]> = [
  ['reg-files.img', FD_TYPE.REG],
  ['pipes.img', FD_TYPE.PIPE],
  ['fifo.img', FD_TYPE.FIFO],
  ['inetsk.img', FD_TYPE.INETSK],
  ['unixsk.img', FD_TYPE.UNIXSK],
  ['eventfd.img', FD_TYPE.EVENTFD],
  ['eventpoll.img', FD_TYPE.EVENTPOLL],
  ['inotify.img', FD_TYPE.INOTIFY],
  ['signalfd.img', FD_TYPE.SIGNALFD],
  ['tty.img', FD_TYPE.TTY],
  ['timerfd.img', FD_TYPE.TIMERFD]
]

export interface FileTable {
  /** file_entry by id; the first entry wins when an id repeats (as in crit). */
  byId: Map<number, Decoded>
  /** memfd.img inodes by inode_id. */
  memfdInodes: Map<number, Decoded>
  /** tty-info.img entries by id. */
  ttyInfo: Map<number, Decoded>
  /** REG ids that were deleted while open (remap-fpath.img GHOST/LINKED entries). */
  remapped: Map<number, number>
  /** True when the table came from legacy per-type images. */
  legacy: boolean
}

/** Loads files.img (or the legacy images), memfd.img, tty-info.img and remap-fpath.img. */
export function loadFileTable(dir: string): FileTable {
  const byId = new Map<number, Decoded>()
  const files = readImageIfPresent(dir, 'files.img')
  let legacy = false
  if (files !== null && files.entries.length > 0) {
    for (const e of files.entries) addOnce(byId, u32(e.id), e)
  } else {
    legacy = true
    for (const [name, type] of LEGACY_IMAGES) {
      const img = readImageIfPresent(dir, name)
      if (img === null) continue
      const key = SUBMESSAGE_FOR_FD_TYPE[type]!
      for (const sub of img.entries) addOnce(byId, u32(sub.id), { type, id: sub.id, [key]: sub })
    }
  }

  const memfdInodes = new Map<number, Decoded>()
  for (const e of readImageIfPresent(dir, 'memfd.img')?.entries ?? []) {
    memfdInodes.set(Number(e.inode_id ?? 0), e)
  }
  const ttyInfo = new Map<number, Decoded>()
  for (const e of readImageIfPresent(dir, 'tty-info.img')?.entries ?? []) {
    ttyInfo.set(u32(e.id), e)
  }
  const remapped = new Map<number, number>()
  for (const e of readImageIfPresent(dir, 'remap-fpath.img')?.entries ?? []) {
    // Older images mark ghosts with the top bit of remap_id instead of remap_type.
    const type =
      e.remap_type === undefined ? (u32(e.remap_id) & 0x80000000 ? 1 : 0) : u32(e.remap_type)
    remapped.set(u32(e.orig_id), type)
  }
  return { byId, memfdInodes, ttyInfo, remapped, legacy }
}

/** The REG sub-message of a file id (cwd, root, exe, tty/fifo paths), if any. */
export function regOf(table: FileTable, id: number): Decoded | undefined {
  const entry = table.byId.get(id)
  return entry?.reg as Decoded | undefined
}

function addOnce(map: Map<number, Decoded>, id: number, entry: Decoded): void {
  if (!map.has(id)) map.set(id, entry)
}

/** A u32 field; absent or malformed → 0. */
export function u32(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v >>> 0 : 0
}

/** A uint64 field (decimal string from the decoder) as a number, saturating at 2^53 − 1. */
export function u64n(v: unknown): number {
  if (typeof v === 'number') return v
  if (typeof v !== 'string') return 0
  const n = Number(v)
  return Number.isSafeInteger(n) ? n : Number.MAX_SAFE_INTEGER
}

/** A uint64 field as a bigint (addresses). */
export function u64b(v: unknown): bigint {
  if (typeof v === 'string' && /^\d+$/.test(v)) return BigInt(v)
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v)
  return 0n
}
