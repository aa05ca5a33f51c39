/**
 * The two-thread scan (parallel.ts): the worker really takes part, nothing is read twice or lost,
 * and the result is the sequential scan's.
 */
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { ProcessInfo } from '../../../electron/common/model'
import { readRawParallel } from '../../../electron/core/procfs/parallel'
import type { RawProcess } from '../../../electron/core/procfs/raw'
import { PARALLEL_MIN_PROCESSES, scan } from '../../../electron/core/procfs/scan'
import { startWorkload, type Workload } from '../../support/workloads'

let dir: string
let bench: Workload

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'icebox-parallel-'))
  bench = await startWorkload('procfs-holder', ['bench', '8', dir])
  await bench.waitFor(/^ready/)
})
afterAll(async () => {
  await bench.stop()
  rmSync(dir, { recursive: true, force: true })
})

/** What must not differ between two scans a moment apart. */
function stable(p: ProcessInfo): unknown {
  return {
    pid: p.pid,
    ppid: p.ppid,
    name: p.name,
    cmdline: p.cmdline,
    uid: p.uid,
    namespaces: p.namespaces,
    fds: p.fds,
    locks: p.locks,
    maps: p.maps
  }
}

describe('readRawParallel', () => {
  it('reads every pid once, with the worker taking part (net tables first), and reports vanished pids', () => {
    // Many copies of one pid keep the main thread busy long enough for the worker to start.
    const pids = [...Array<number>(2000).fill(process.pid), 999_999_999]
    const seen: RawProcess[] = []
    // A live file whose name ends like a deleted one: both threads stat it, link count included.
    const held = join(dir, 'held (deleted)')
    const heldFd = openSync(held, 'w')
    let stats: ReturnType<typeof readRawParallel>
    try {
      stats = readRawParallel(
        pids,
        '/proc',
        { maps: true, fileDetails: true, locked: {} },
        (raw) => seen.push(raw),
        '/proc/net'
      )
    } finally {
      closeSync(heldFd)
    }
    expect(seen).toHaveLength(pids.length)
    expect(stats.workerChunks).toBeGreaterThan(0)
    expect(stats.workerChunks).toBeLessThan(stats.chunks)
    const mine = seen.filter((r) => r.pid === process.pid)
    expect(mine).toHaveLength(2000)
    for (const r of mine.slice(0, 50).concat(mine.slice(-50))) {
      expect(r.stat).toMatch(new RegExp(`^${process.pid} \\(`))
      expect(Array.isArray(r.fdNames)).toBe(true)
      expect(r.fdLinks.length).toBe((r.fdNames as string[]).length)
      expect(r.ns).toHaveLength(5)
      expect(typeof r.maps).toBe('string')
    }
    for (const r of mine) {
      const at = r.fdLinks.indexOf(held)
      expect(at).toBeGreaterThanOrEqual(0)
      expect(r.fdStats[at]).toEqual([
        expect.any(Number),
        expect.any(Number),
        expect.any(Number),
        0,
        0,
        1
      ])
    }
    expect(seen.find((r) => r.pid === 999_999_999)?.stat).toEqual({ code: 'ENOENT' })
    expect(stats.net?.get('tcp')).toMatch(/^\s*sl\s+local_address/)
    expect(stats.net?.get('unix')).toMatch(/^Num\s+RefCount/)
  })
})

describe('scan({ parallel: true })', () => {
  it('gives the sequential scan, in pid order, with every fd joined', () => {
    const live = scan().processes.map((p) => p.pid)
    // Pids that do not exist push the list over the threshold; they are skipped.
    const padding = Array.from({ length: PARALLEL_MIN_PROCESSES }, (_, i) => 900_000_000 + i)
    const pids = [...live, ...padding]
    const seq = scan({ pids })
    const par = scan({ pids, parallel: true })
    const holders = (r: typeof seq): ProcessInfo[] =>
      r.processes.filter((p) => p.cmdline.includes('bench') && p.cmdline.includes(dir))
    expect(holders(par)).toHaveLength(9)
    expect(holders(par).map(stable)).toEqual(holders(seq).map(stable))
    const order = par.processes.map((p) => p.pid)
    expect(order).toEqual([...order].sort((a, b) => a - b))
    expect(par.processes.some((p) => p.pid >= 900_000_000)).toBe(false)
    // The children's pipes and socketpairs are joined across the two threads' halves.
    for (const p of holders(par).filter((h) => h.ppid === bench.pid)) {
      const pipe = p.fds.find((f) => f.kind === 'pipe' && f.fd > 2)
      expect(pipe).toBeDefined()
    }
  })
})
