/**
 * Memory of one process from mm-PID.img and pagemap-PID.img (§2.8–2.10): mappings, their total
 * size, and the pages CRIU stored. Pure.
 */
import type { SnapshotMemory } from '../../common/snapshot-view'
import { regOf, u32, u64b, u64n, type FileTable } from './file-table'
import type { ImageFile } from './read-image'
import { varint64Number, type Decoded, type WireReader } from './schema'

export const PAGE_SIZE = 4096
/** VMA status bit of CRIU 4.2's guard pseudo-mappings, appended after the sorted list. */
export const VMA_AREA_GUARD = 0x10000

export const PE_PARENT = 1
export const PE_LAZY = 2
export const PE_PRESENT = 4

export interface PageCounts {
  present: number
  lazy: number
  inParent: number
  /** pages-<id>.img named by the pagemap head. */
  pagesId: number | null
}

/**
 * Reads one pagemap_entry down to what countPages needs, { flags, nr_pages } as numbers already
 * normalised (§2.9: field 5 else field 2; no flags → PARENT if in_parent else PRESENT). Pagemaps
 * grow with memory (a 1 GiB process has ~1000 entries) and this loop is several times cheaper
 * than the generic decoder on a cold start. test/unit/images checks both agree.
 */
export function readPagemapCounts(r: WireReader, end: number): Decoded {
  let flags = -1
  let nr = -1
  let compat = 0
  let inParent = false
  while (r.pos < end) {
    const tag = r.uint32()
    if (tag === 0x10) compat = r.uint32()
    else if (tag === 0x18) inParent = r.bool()
    else if (tag === 0x20) flags = r.uint32()
    else if (tag === 0x28) nr = varint64Number(r)
    else if (tag >>> 3 === 0) throw new Error('illegal tag: field number 0')
    else r.skipType(tag & 7)
  }
  return {
    flags: flags >= 0 ? flags : inParent ? PE_PARENT : PE_PRESENT,
    nr_pages: nr >= 0 ? nr : compat
  }
}

/** Counts pages by kind. Entry 0 of the file is the pagemap head. */
export function countPages(pagemap: ImageFile | null): PageCounts {
  const counts: PageCounts = { present: 0, lazy: 0, inParent: 0, pagesId: null }
  if (pagemap === null || pagemap.entries.length === 0) return counts
  counts.pagesId = u32(pagemap.entries[0]!.pages_id)
  for (let i = 1; i < pagemap.entries.length; i++) {
    const e = pagemap.entries[i]!
    const n = pageCountOf(e)
    const flags = pageFlagsOf(e)
    if (flags & PE_PRESENT) counts.present += n
    else if (flags & PE_PARENT) counts.inParent += n
    else if (flags & PE_LAZY) counts.lazy += n
  }
  return counts
}

/** nr_pages: field 5 (CRIU ≥ 4.2) when present, else field 2. */
export function pageCountOf(e: Decoded): number {
  return e.nr_pages !== undefined ? u64n(e.nr_pages) : u32(e.compat_nr_pages)
}

/** PE_* flags; absent (CRIU < 3.5) → PARENT if in_parent, else PRESENT. */
export function pageFlagsOf(e: Decoded): number {
  if (e.flags !== undefined) return u32(e.flags)
  return e.in_parent === true ? PE_PARENT : PE_PRESENT
}

/** Mapped size, VMA count (guards skipped), exe and dumped pages of one process. */
export function summarizeMemory(
  mm: Decoded,
  pages: PageCounts,
  table: FileTable,
  legacyVmas: Decoded[] = []
): SnapshotMemory {
  const vmas = Array.isArray(mm.vmas) && mm.vmas.length > 0 ? (mm.vmas as Decoded[]) : legacyVmas
  let vmaCount = 0
  let mapped = 0n
  for (const v of vmas) {
    if (u32(v.status) & VMA_AREA_GUARD) continue
    const start = u64b(v.start)
    const end = u64b(v.end)
    if (end <= start) continue
    vmaCount++
    mapped += end - start
  }
  const exe = regOf(table, u32(mm.exe_file_id))?.name
  return {
    vmaCount,
    mappedBytes:
      mapped > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(mapped),
    dumpedBytes: pages.present * PAGE_SIZE,
    pagesPresent: pages.present,
    pagesLazy: pages.lazy,
    pagesInParent: pages.inParent,
    exe: typeof exe === 'string' ? exe : null
  }
}

const VMA_FILE_PRIVATE = 0x40
const VMA_FILE_SHARED = 0x80
const VMA_AREA_MEMFD = 0x4000

/** files.img ids of the files mapped into memory (libraries, the executable, mapped data). */
export function mappedFileIds(mm: Decoded): number[] {
  const ids = new Set<number>()
  for (const v of Array.isArray(mm.vmas) ? (mm.vmas as Decoded[]) : []) {
    const status = u32(v.status)
    if (!(status & (VMA_FILE_PRIVATE | VMA_FILE_SHARED))) continue
    if (status & (VMA_AREA_MEMFD | VMA_AREA_GUARD)) continue
    ids.add(u64n(v.shmid))
  }
  return [...ids]
}
