/**
 * CRIU's own numbers of a dump (`stats-dump`), read with the small strict reader of core/images:
 * the full decoder would cost `icebox freeze` ~25 ms of loading for eight numbers.
 */
import { join } from 'node:path'

import type { DumpStats } from '../../common/snapshot'
import { fields, readEntries, type Field } from '../images/strict-proto'

const STATS_MAGIC = 0x57093306

/** A scalar field's value (the last one, as protobuf decoders do); absent → 0. */
function num(fs: Field[], no: number): number {
  let v: bigint | undefined
  for (const f of fs) if (f.no === no && f.varint !== undefined) v = f.varint
  return v === undefined ? 0 : Number(v)
}

/** Dump stats of an images directory, or null when there is no (readable) stats-dump. */
export function readDumpStats(dir: string): DumpStats | null {
  try {
    const entries = readEntries(join(dir, 'stats-dump'), STATS_MAGIC, 'service')
    if (entries.length === 0) return null
    // stats_entry.dump (field 1) is a dump_stats_entry (images/proto/criu.proto).
    let dump: Uint8Array | undefined
    for (const f of fields(entries[0]!)) if (f.no === 1 && f.bytes) dump = f.bytes
    if (!dump) return null
    const fs = fields(dump)
    return {
      freezingTimeUs: num(fs, 1),
      frozenTimeUs: num(fs, 2),
      memdumpTimeUs: num(fs, 3),
      memwriteTimeUs: num(fs, 4),
      pagesScanned: num(fs, 5),
      pagesSkippedParent: num(fs, 6),
      pagesWritten: num(fs, 7),
      pagesLazy: num(fs, 9)
    }
  } catch {
    return null
  }
}
