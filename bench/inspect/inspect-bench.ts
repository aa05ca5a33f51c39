/**
 * Snapshot inspection benchmark (issue 4). Makes a ~1 GiB snapshot of a memory hog with
 * `criu dump`, then times, side by side in the same run:
 *   - whole commands: `icebox show --dir DIR --json` vs `crit x DIR ps` + `fds` + `mems`
 *     (target: icebox ≥ 5× faster than the three crit commands together);
 *   - in-process decode of all metadata with readSnapshotView (target ≤ 10 ms).
 * Wall time is the median of --runs runs; CPU time (user + sys of the child) is printed too
 * because wall time on a shared two-core machine is noisy.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { readSnapshotView } from '../../electron/core/images/read-snapshot-view'

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(name)
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback
}
const MIB = Number(arg('--mib', '1024'))
const RUNS = Number(arg('--runs', '5'))
const GIVEN_DIR = arg('--dir', '')
const TARGET_RATIO = 5
const TARGET_DECODE_MS = 10

interface Timing {
  wallMs: number
  cpuMs: number
}

/** Runs argv once; returns wall and child CPU time. */
function timeOnce(argv: string[]): Timing {
  const started = process.hrtime.bigint()
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', ...argv], {
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe']
  })
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed:\n${r.stderr}`)
  const last = r.stderr.trim().split('\n').pop() ?? '0 0'
  const [u, s] = last.split(' ').map(Number)
  return { wallMs, cpuMs: ((u ?? 0) + (s ?? 0)) * 1000 }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? 0
}

function timeMedian(argv: string[]): Timing {
  timeOnce(argv) // warm the page cache
  const runs = Array.from({ length: RUNS }, () => timeOnce(argv))
  return { wallMs: median(runs.map((r) => r.wallMs)), cpuMs: median(runs.map((r) => r.cpuMs)) }
}

async function makeSnapshot(): Promise<{ dir: string; cleanup: () => void }> {
  const work = mkdtempSync(join(tmpdir(), 'icebox-bench-inspect-'))
  const bin = join(work, 'images-hog')
  spawnSync('cc', ['-O1', '-o', bin, 'test/workloads/images-hog.c'], { stdio: 'inherit' })
  const child = spawn(bin, [String(MIB)], { stdio: ['ignore', 'pipe', 'inherit'] })
  const pid = await new Promise<number>((resolve, reject) => {
    let buf = ''
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString()
      const m = /ready (\d+)/.exec(buf)
      if (m) resolve(Number(m[1]))
    })
    child.once('exit', () => reject(new Error('memory hog exited early')))
  })
  const dir = join(work, 'images')
  mkdirSync(dir)
  const started = Date.now()
  const r = spawnSync('criu', ['dump', '-t', String(pid), '-D', dir, '-o', 'dump.log'], {
    stdio: 'inherit'
  })
  if (r.status !== 0) throw new Error('criu dump failed; see ' + join(dir, 'dump.log'))
  console.log(`criu dump of ${MIB} MiB took ${Date.now() - started} ms`)
  await new Promise((resolve) =>
    child.exitCode !== null ? resolve(null) : child.once('exit', resolve)
  )
  return { dir, cleanup: () => rmSync(work, { recursive: true, force: true }) }
}

const { dir, cleanup } = GIVEN_DIR
  ? { dir: GIVEN_DIR, cleanup: () => undefined }
  : await makeSnapshot()
try {
  const view = readSnapshotView(dir, { restoreChecks: false })
  const pagesBytes = view.totals.pageBytes
  console.log(
    `snapshot ${dir}: ${view.totals.processes} process(es), ${(pagesBytes / 2 ** 20).toFixed(0)} MiB of pages, ` +
      `${view.totals.imageFiles} files, status ${view.status}`
  )
  if (statSync('dist/cli.mjs', { throwIfNoEntry: false }) === undefined) {
    throw new Error('dist/cli.mjs is missing: run `node scripts/build.mjs` first')
  }

  const icebox = timeMedian(['node', 'bin/icebox.mjs', 'show', '--dir', dir, '--json'])
  const crit = (['ps', 'fds', 'mems'] as const).map((what) => ({
    what,
    t: timeMedian(['crit', 'x', dir, what])
  }))
  const critWall = crit.reduce((s, c) => s + c.t.wallMs, 0)
  const critCpu = crit.reduce((s, c) => s + c.t.cpuMs, 0)

  // In-process: cold (first call also builds the protobuf decoders) and warm.
  const t0 = performance.now()
  readSnapshotView(dir)
  const coldMs = performance.now() - t0
  const warmAll: number[] = []
  const warmMeta: number[] = []
  for (let i = 0; i < 20; i++) {
    let t = performance.now()
    readSnapshotView(dir)
    warmAll.push(performance.now() - t)
    t = performance.now()
    readSnapshotView(dir, { restoreChecks: false })
    warmMeta.push(performance.now() - t)
  }

  const row = (name: string, t: Timing): string =>
    `  ${name.padEnd(38)} ${t.wallMs.toFixed(0).padStart(6)} ms wall ${t.cpuMs.toFixed(0).padStart(6)} ms cpu`
  console.log(`\nWhole commands (median of ${RUNS})`)
  console.log(row('icebox show --dir DIR --json', icebox))
  for (const c of crit) console.log(row(`crit x DIR ${c.what}`, c.t))
  console.log(row('crit x ps + fds + mems', { wallMs: critWall, cpuMs: critCpu }))
  const ratioWall = critWall / icebox.wallMs
  const ratioCpu = critCpu / Math.max(icebox.cpuMs, 1)
  console.log(
    `  ratio crit/icebox: ${ratioWall.toFixed(1)}× wall, ${ratioCpu.toFixed(1)}× cpu ` +
      `(target ≥ ${TARGET_RATIO}×) ${ratioWall >= TARGET_RATIO ? 'OK' : 'MISSED'}`
  )
  console.log('\nIn-process readSnapshotView (all metadata, pages-*.img only stat-ed)')
  console.log(`  cold (first call, builds decoders)   ${coldMs.toFixed(2)} ms`)
  console.log(`  warm, with restore checks            ${median(warmAll).toFixed(2)} ms`)
  console.log(`  warm, metadata only                  ${median(warmMeta).toFixed(2)} ms`)
  console.log(
    `  target ≤ ${TARGET_DECODE_MS} ms: ${median(warmAll) <= TARGET_DECODE_MS ? 'OK' : 'MISSED'} (warm), ` +
      `${coldMs <= TARGET_DECODE_MS ? 'OK' : 'MISSED'} (cold)`
  )
} finally {
  cleanup()
}
