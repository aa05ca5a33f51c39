#!/usr/bin/env node
// bench/scan: `icebox ps --json` (a full scan: every fd, socket and lock joined, then the
// analysis) against `lsof -n -P` and `ps -eo pid,ppid,lstart,cmd`, as whole commands, side by
// side and alternating in one run, with N holder processes each holding a pipe, a unix
// socketpair, a loopback TCP connection, a bound UDP socket, a flock'd file and /dev/zero.
//
//   node bench/scan.mjs [N ...] [--runs R] [--compare TREE]   (default N = 200 1000 3000, R = 5)
//
// --compare TREE also times `icebox ps --json` built from another source tree (e.g. a checkout
// of main), alternating with this one, for before/after figures from the same run.
//
// The CLI is bundled from the current sources into bench/results/cli/ by scripts/cli-bundle.mjs
// (what `npm run build` ships), so the numbers are for the code in the tree. "scan only" is node + scan()
// + JSON of the whole result (every fd), to separate the scanner from CLI start-up and analysis.
// The floors are the scan's syscalls with no interpretation and no output: in C on one thread
// (bench/scan/floor.c) and through node:fs (bench/scan/node-raw.ts), with `node -e 0` beside them.
// Run as root (lsof sees all). Results also go to bench/results/scan.json.
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const out = join(root, 'bench', 'results')
mkdirSync(out, { recursive: true })

const args = process.argv.slice(2)
let runs = 5
let compare = null
const sizes = []
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') runs = Number(args[++i])
  else if (args[i] === '--compare') compare = args[++i]
  else sizes.push(Number(args[i]))
}
if (sizes.length === 0) sizes.push(200, 1000, 3000)
if (sizes.some((n) => !Number.isInteger(n) || n < 0) || !(runs > 0)) {
  console.error('usage: node bench/scan.mjs [N ...] [--runs R] [--compare TREE]')
  process.exit(2)
}

// Build the CLI (split per command, as scripts/build.mjs ships it) and the holder program from
// the current sources.
const { build } = await import('esbuild')
const { buildCli, cliEnv, nodeFlagsFor } = await import('../scripts/cli-bundle.mjs')
await buildCli(root, join(out, 'cli'))
const cli = join(out, 'cli', 'cli.mjs')
const compareCli = join(out, 'cli-compare', 'cli.mjs')
if (compare !== null) await buildCli(compare, join(out, 'cli-compare'))
// The scanner alone as a whole command (node start-up + scan() + JSON to stdout), to tell the
// scanner's share from the CLI's start-up and the analysis.
const scanOnly = join(out, 'scan-only.mjs')
await build({
  stdin: {
    contents:
      "import { scan } from './electron/core/procfs/scan'\n" +
      'process.stdout.write(JSON.stringify(scan({ parallel: true })))\n',
    resolveDir: root,
    loader: 'ts'
  },
  outfile: scanOnly,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  logLevel: 'warning'
})
const holder = join(out, 'procfs-holder')
execFileSync('cc', ['-O1', '-Wall', '-o', holder, join(root, 'test/workloads/procfs-holder.c')])
// The floors: the scan's syscalls alone, in C (floor.c) and through node:fs (node-raw.ts).
const floorC = join(out, 'scan-floor')
execFileSync('cc', ['-O2', '-Wall', '-o', floorC, join(root, 'bench/scan/floor.c')])
const nodeRaw = join(out, 'scan-node-raw.mjs')
await build({
  entryPoints: [join(root, 'bench/scan/node-raw.ts')],
  outfile: nodeRaw,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  logLevel: 'warning'
})

const hasTime = existsSync('/usr/bin/time')
const commands = [
  // As `icebox` runs it: with the node flags the launcher gives `ps` (bin/icebox).
  {
    name: 'icebox ps --json',
    argv: [process.execPath, ...nodeFlagsFor('ps'), cli, 'ps', '--json'],
    rss: true
  },
  ...(compare === null
    ? []
    : [
        {
          name: 'icebox ps --json (compare)',
          argv: [process.execPath, ...nodeFlagsFor('ps'), compareCli, 'ps', '--json'],
          rss: true
        }
      ]),
  { name: 'scan only', argv: [process.execPath, scanOnly], rss: true },
  { name: 'floor: C', argv: [floorC], rss: false },
  { name: 'floor: node:fs', argv: [process.execPath, nodeRaw], rss: false },
  { name: 'node -e 0', argv: [process.execPath, '-e', '0'], rss: false },
  { name: 'lsof -n -P', argv: ['lsof', '-n', '-P'], rss: true },
  { name: 'ps -eo pid,ppid,lstart,cmd', argv: ['ps', '-eo', 'pid,ppid,lstart,cmd'], rss: false }
]

/** Runs argv with stdout to /dev/null; returns wall ms and peak RSS in KiB (via /usr/bin/time). */
function timeOnce(cmd) {
  const argv = hasTime && cmd.rss ? ['/usr/bin/time', '-f', '%M', ...cmd.argv] : cmd.argv
  const t0 = performance.now()
  const r = spawnSync(argv[0], argv.slice(1), {
    // As the launcher runs node (the peers ignore what it drops).
    env: cliEnv(),
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024
  })
  const ms = performance.now() - t0
  if (r.status !== 0 && cmd.name.startsWith('icebox')) {
    throw new Error(`${cmd.name} failed (${r.status}): ${r.stderr.slice(-500)}`)
  }
  const lines = (r.stderr ?? '').trim().split('\n')
  const rssKiB = hasTime && cmd.rss ? Number(lines[lines.length - 1]) : NaN
  return { ms, rssKiB }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

async function startHolders(n, dir) {
  if (n === 0) return null
  const child = spawn(holder, ['bench', String(n), dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true
  })
  await new Promise((resolve, reject) => {
    let buf = ''
    const timer = setTimeout(() => reject(new Error('holders not ready in 120 s')), 120_000)
    child.stdout.on('data', (d) => {
      buf += d
      if (buf.includes('ready')) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.once('exit', (code) => reject(new Error(`holder spawner exited (${code})`)))
  })
  return child
}

async function stopHolders(child) {
  if (!child) return
  const gone = new Promise((resolve) => child.once('exit', resolve))
  try {
    process.kill(-child.pid, 'SIGKILL')
  } catch {
    child.kill('SIGKILL')
  }
  await gone
  // The children are reaped by the kernel once their parent is gone; wait for them to vanish.
  for (let i = 0; i < 200; i++) {
    const ps = spawnSync('pgrep', ['-g', String(child.pid)], { encoding: 'utf8' })
    if (ps.stdout.trim() === '') break
    await new Promise((r) => setTimeout(r, 50))
  }
}

const results = []
let current = null
const cleanup = () => {
  if (current) {
    try {
      process.kill(-current.pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
}
process.on('SIGINT', () => {
  cleanup()
  process.exit(130)
})

try {
  for (const n of sizes) {
    const dir = mkdtempSync(join(tmpdir(), 'icebox-bench-'))
    const loadBefore = loadAverage()
    current = await startHolders(n, dir)
    const procs = readdirCount()
    // One warm-up of each, then alternate.
    for (const c of commands) timeOnce(c)
    const samples = new Map(commands.map((c) => [c.name, { ms: [], rss: [] }]))
    for (let r = 0; r < runs; r++) {
      for (const c of r % 2 ? [...commands].reverse() : commands) {
        const { ms, rssKiB } = timeOnce(c)
        samples.get(c.name).ms.push(ms)
        if (!Number.isNaN(rssKiB)) samples.get(c.name).rss.push(rssKiB)
      }
    }
    const row = { n, procs, runs, loadBefore, loadAfter: loadAverage() }
    for (const c of commands) {
      const s = samples.get(c.name)
      row[c.name] = {
        medianMs: Math.round(median(s.ms)),
        peakRssMiB: s.rss.length ? Math.round(Math.max(...s.rss) / 1024) : null
      }
    }
    const ice = row['icebox ps --json'].medianMs
    row.lsofOverIcebox = +(row['lsof -n -P'].medianMs / ice).toFixed(2)
    row.psOverIcebox = +(row['ps -eo pid,ppid,lstart,cmd'].medianMs / ice).toFixed(2)
    row.lsofOverScanOnly = +(row['lsof -n -P'].medianMs / row['scan only'].medianMs).toFixed(2)
    for (const floor of ['floor: C', 'floor: node:fs']) {
      row[`lsofOver ${floor}`] = +(row['lsof -n -P'].medianMs / row[floor].medianMs).toFixed(2)
    }
    if (compare !== null) {
      row.lsofOverCompare = +(
        row['lsof -n -P'].medianMs / row['icebox ps --json (compare)'].medianMs
      ).toFixed(2)
    }
    results.push(row)
    await stopHolders(current)
    current = null
    rmSync(dir, { recursive: true, force: true })
    print(row)
  }
} finally {
  cleanup()
}

/** The 1-minute load average. */
function loadAverage() {
  return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0])
}

/** Number of tasks (threads included) from /proc/loadavg. */
function readdirCount() {
  return readFileSync('/proc/loadavg', 'utf8').split(' ')[3].split('/')[1] * 1
}

function print(row) {
  const ice = row['icebox ps --json']
  const lsof = row['lsof -n -P']
  const ps = row['ps -eo pid,ppid,lstart,cmd']
  console.log(
    `N=${row.n} (${row.procs} tasks, ${row.runs} runs, load ${row.loadBefore} before the ` +
      `holders, ${row.loadAfter} after the runs): icebox ps --json ${ice.medianMs} ms ` +
      `(peak RSS ${ice.peakRssMiB ?? '?'} MiB) | lsof -n -P ${lsof.medianMs} ms ` +
      `(RSS ${lsof.peakRssMiB ?? '?'} MiB) | ps ${ps.medianMs} ms | ` +
      `lsof/icebox ${row.lsofOverIcebox}x, ps/icebox ${row.psOverIcebox}x | ` +
      `scan only ${row['scan only'].medianMs} ms (RSS ${row['scan only'].peakRssMiB ?? '?'} MiB), ` +
      `lsof/scan-only ${row.lsofOverScanOnly}x`
  )
  const c = row['floor: C'].medianMs
  const n = row['floor: node:fs'].medianMs
  const node = row['node -e 0'].medianMs
  console.log(
    `  floors: the scan's syscalls alone in C ${c} ms (lsof/that ${row['lsofOver floor: C']}x), ` +
      `through node:fs ${n} ms (lsof/that ${row['lsofOver floor: node:fs']}x); node -e 0 ` +
      `${node} ms; 2.5x lsof is ${Math.round(lsof.medianMs / 2.5)} ms`
  )
  const cmp = row['icebox ps --json (compare)']
  if (cmp) {
    console.log(
      `  compare (${compare}): icebox ps --json ${cmp.medianMs} ms (peak RSS ` +
        `${cmp.peakRssMiB ?? '?'} MiB), lsof/icebox ${row.lsofOverCompare}x`
    )
  }
}

writeFileSync(join(out, 'scan.json'), JSON.stringify(results, null, 2) + '\n')
console.log(`results written to ${join(out, 'scan.json')}`)
