/**
 * Snapshot inspection benchmark (issue 4). Makes a ~1 GiB snapshot of a memory hog with
 * `criu dump`, then times, side by side in the same run:
 *   - whole commands: `icebox show --dir DIR --json` vs `crit x DIR ps` + `fds` + `mems`
 *     (target: icebox ≥ 5× faster than the three crit commands together), alternating one
 *     icebox run with one round of the three crit commands so both see the same load;
 *   - decode of all metadata (target ≤ 10 ms): the first call, as `icebox show` itself reports
 *     it (ICEBOX_SHOW_DEBUG: decode + print in a fresh process, with the build's code cache),
 *     and warm calls of readSnapshotView in this process.
 * Wall time is the median of --runs runs; CPU time (user + sys of the child) is printed too
 * because wall time on a shared two-core machine is noisy. The load average is printed.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { readSnapshotView } from '../../electron/core/images/read-snapshot-view'

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(name)
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback
}
const MIB = Number(arg('--mib', '1024'))
const RUNS = Number(arg('--runs', '9'))
const GIVEN_DIR = arg('--dir', '')
const TARGET_RATIO = 5
const TARGET_DECODE_MS = 10

interface Timing {
  wallMs: number
  cpuMs: number
}

/** Runs argv once; returns wall and child CPU time, and the child's stderr before /usr/bin/time's line. */
function timeOnce(argv: string[], env?: NodeJS.ProcessEnv): Timing & { stderr: string } {
  const started = process.hrtime.bigint()
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', ...argv], {
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
    env: env ? { ...process.env, ...env } : process.env
  })
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed:\n${r.stderr}`)
  const lines = r.stderr.trim().split('\n')
  const [u, s] = (lines.pop() ?? '0 0').split(' ').map(Number)
  return { wallMs, cpuMs: ((u ?? 0) + (s ?? 0)) * 1000, stderr: lines.join('\n') }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? 0
}

function summary(runs: Timing[]): Timing {
  return { wallMs: median(runs.map((r) => r.wallMs)), cpuMs: median(runs.map((r) => r.cpuMs)) }
}

function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
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

  console.log(`load average before: ${loadAverage()}`)
  // Through the launcher, as `icebox` runs: its node flags decide whether V8 takes the code cache.
  const iceboxArgv = ['./bin/icebox', 'show', '--dir', dir, '--json']
  const CRIT = ['ps', 'fds', 'mems'] as const
  const critArgv = (what: string): string[] => ['crit', 'x', dir, what]
  // Warm the page cache and Python's bytecode cache once, untimed.
  timeOnce(iceboxArgv)
  for (const what of CRIT) timeOnce(critArgv(what))
  const iceboxRuns: Timing[] = []
  const firstCallMs: number[] = []
  const cacheUse = new Set<string>()
  const critRuns = new Map<string, Timing[]>(CRIT.map((w) => [w, []]))
  for (let i = 0; i < RUNS; i++) {
    const t = timeOnce(iceboxArgv, { ICEBOX_SHOW_DEBUG: '1' })
    iceboxRuns.push(t)
    const m = /decoded and printed in ([\d.]+) ms/.exec(t.stderr)
    if (m) firstCallMs.push(Number(m[1]))
    cacheUse.add(
      /code cache: (\w+)/.exec(t.stderr)?.[1] ?? 'not reported (no dist/icebox-show.cjs)'
    )
    for (const what of CRIT) critRuns.get(what)!.push(timeOnce(critArgv(what)))
  }
  const icebox = summary(iceboxRuns)
  const crit = CRIT.map((what) => ({ what, t: summary(critRuns.get(what)!) }))
  // Per round sums, so the crit total pairs with the icebox run beside it.
  const critRoundWall = iceboxRuns.map((_, i) =>
    CRIT.reduce((s, w) => s + critRuns.get(w)![i]!.wallMs, 0)
  )
  const critRoundCpu = iceboxRuns.map((_, i) =>
    CRIT.reduce((s, w) => s + critRuns.get(w)![i]!.cpuMs, 0)
  )
  const critWall = median(critRoundWall)
  const critCpu = median(critRoundCpu)
  console.log(`load average after: ${loadAverage()}`)

  // In-process, warm: this process has decoded the snapshot above already.
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
  const first = median(firstCallMs)
  console.log('\nDecode of all metadata (pages-*.img only stat-ed)')
  console.log(
    `  first call, in icebox show (decode + print, median)   ${firstCallMs.length ? first.toFixed(2) + ' ms' : 'not reported'}` +
      `  [code cache: ${[...cacheUse].join(', ')}]`
  )
  console.log(
    `  warm, with restore checks (in this process)           ${median(warmAll).toFixed(2)} ms`
  )
  console.log(
    `  warm, metadata only                                   ${median(warmMeta).toFixed(2)} ms`
  )
  console.log(
    `  target ≤ ${TARGET_DECODE_MS} ms: ${median(warmAll) <= TARGET_DECODE_MS ? 'OK' : 'MISSED'} (warm), ` +
      `${firstCallMs.length && first <= TARGET_DECODE_MS ? 'OK' : 'MISSED'} (first call)`
  )
} finally {
  cleanup()
}
