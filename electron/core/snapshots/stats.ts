/**
 * CRIU's own numbers of a dump (`stats-dump`), read with the image decoder of core/images.
 */
import type { DumpStats } from '../../common/snapshot'
import { readImageIfPresent } from '../images/image-dir'

/** uint64 arrive as decimal strings from the decoder, uint32 as numbers; anything else is 0. */
function num(v: unknown): number {
  const n = typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : 0
  return Number.isFinite(n) && n >= 0 ? n : 0
}

/** Dump stats of an images directory, or null when there is no (readable) stats-dump. */
export function readDumpStats(dir: string): DumpStats | null {
  try {
    const file = readImageIfPresent(dir, 'stats-dump')
    const dump = file?.entries[0]?.dump as Record<string, unknown> | undefined
    if (!dump) return null
    return {
      freezingTimeUs: num(dump.freezing_time),
      frozenTimeUs: num(dump.frozen_time),
      memdumpTimeUs: num(dump.memdump_time),
      memwriteTimeUs: num(dump.memwrite_time),
      pagesScanned: num(dump.pages_scanned),
      pagesSkippedParent: num(dump.pages_skipped_parent),
      pagesWritten: num(dump.pages_written),
      pagesLazy: num(dump.pages_lazy)
    }
  } catch {
    return null
  }
}
