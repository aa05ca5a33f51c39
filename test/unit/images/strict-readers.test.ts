/**
 * The small strict readers that `icebox freeze` and `icebox restore` use instead of the full
 * decoder (stats-dump for the manifest, pstree.img for restore's pid check) read the same
 * values as the full decoder from a real dump, and refuse what is not such a file.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { readPstree } from '../../../electron/core/images/creds'
import { readImage } from '../../../electron/core/images/image-dir'
import { ImageCheckError, readPstreeStrict } from '../../../electron/core/images/strict-proto'
import { readDumpStats } from '../../../electron/core/snapshots/stats'

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'images', 'tree')

const dirs: string[] = []
function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), 'icebox-strict-'))
  dirs.push(d)
  return d
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('readDumpStats (strict reader)', () => {
  it('reads the numbers the full decoder reads', () => {
    const dump = readImage(FIXTURE, 'stats-dump').entries[0]!.dump as Record<string, unknown>
    const n = (v: unknown): number => Number(v ?? 0)
    const stats = readDumpStats(FIXTURE)
    expect(stats).toEqual({
      freezingTimeUs: n(dump.freezing_time),
      frozenTimeUs: n(dump.frozen_time),
      memdumpTimeUs: n(dump.memdump_time),
      memwriteTimeUs: n(dump.memwrite_time),
      pagesScanned: n(dump.pages_scanned),
      pagesSkippedParent: n(dump.pages_skipped_parent),
      pagesWritten: n(dump.pages_written),
      pagesLazy: n(dump.pages_lazy)
    })
    expect(stats!.pagesWritten).toBeGreaterThan(0)
    expect(stats!.freezingTimeUs).toBeGreaterThan(0)
  })

  it('is null without a stats-dump, or for a file that is not one', () => {
    const dir = scratch()
    expect(readDumpStats(dir)).toBeNull()
    // A normal image (another head magic) in its place.
    copyFileSync(join(FIXTURE, 'pstree.img'), join(dir, 'stats-dump'))
    expect(readDumpStats(dir)).toBeNull()
    writeFileSync(join(dir, 'stats-dump'), Buffer.from([0x40, 0x59, 0x10, 0x55, 1, 2]))
    expect(readDumpStats(dir)).toBeNull()
  })
})

describe('readPstreeStrict', () => {
  it('reads the pids and threads the full decoder reads', () => {
    const full = readPstree(FIXTURE)
    expect(readPstreeStrict(FIXTURE)).toEqual(
      full.map((t) => ({ pid: t.pid, ppid: t.ppid, threads: t.threads }))
    )
  })

  it('refuses a truncated pstree.img and one of another kind', () => {
    const dir = scratch()
    const whole = readFileSync(join(FIXTURE, 'pstree.img'))
    writeFileSync(join(dir, 'pstree.img'), whole.subarray(0, whole.length - 1))
    expect(() => readPstreeStrict(dir)).toThrow(/overruns/)
    copyFileSync(join(FIXTURE, 'inventory.img'), join(dir, 'pstree.img'))
    expect(() => readPstreeStrict(dir)).toThrow(ImageCheckError)
  })
})
