#!/usr/bin/env node
/**
 * bench/freeze: `icebox freeze` against `criu dump` with the same flags, and `icebox restore`
 * against `criu restore`, alternating in one run, for 10 MiB, 256 MiB and 1 GiB processes; plus
 * `dd` writing the same bytes to the same filesystem. Prints medians, Icebox's overhead and MiB/s.
 *
 * Needs root, a built CLI (`npm run build`) and the workloads (test/workloads/bin/engine-mem,
 * built by the integration tests' global setup). Usage: node bench/freeze.mjs [rounds]
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs'
import { join } from 'node:path'

import { cliEnv, nodeFlagsFor } from '../scripts/cli-bundle.mjs'

const repo = join(import.meta.dirname, '..')
// The launcher, as `icebox` runs: it picks the node flags and environment of each command.
const CLI = join(repo, 'bin', 'icebox')
const MEM = join(repo, 'test', 'workloads', 'bin', 'engine-mem')
const CRIU = '/usr/sbin/criu'
const ROUNDS = Number(process.argv[2] ?? 3)
const SIZES = [10, 256, 1024]
const base = mkdtempSync('/var/tmp/icebox-bench-')
const store = join(base, 'store')

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

async function startMem(mib) {
  const child = spawn(MEM, [String(mib), join(base, 'status')], {
    stdio: ['ignore', 'pipe', 'ignore']
  })
  await new Promise((resolve) =>
    child.stdout.on('data', (d) => String(d).includes('ready') && resolve())
  )
  for (;;) {
    try {
      if (readlinkSync(`/proc/${child.pid}/fd/1`) === '/dev/null') break
    } catch {
      // not there yet
    }
    await sleep(5)
  }
  const exited = new Promise((r) => child.once('exit', r))
  return { pid: child.pid, exited }
}

async function gone(pid) {
  while (existsSync(`/proc/${pid}`)) await sleep(5)
}

function kill(pid) {
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    // already gone
  }
}

function timed(cmd, args) {
  const t = process.hrtime.bigint()
  // Without what the launcher drops, for `node -e 0` (criu and dd ignore it).
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: cliEnv() })
  const ms = Number(process.hrtime.bigint() - t) / 1e6
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.stdout}`)
  return { ms, out: r.stdout }
}

async function icebox(mib) {
  const w = await startMem(mib)
  const f = timed(CLI, ['freeze', String(w.pid), '--yes', '--json', '--store', store])
  const m = JSON.parse(f.out)
  await w.exited
  await gone(w.pid)
  const r = timed(CLI, ['restore', m.id, '--store', store])
  const pid = Number(r.out.trim())
  kill(pid)
  await gone(pid).catch(() => {})
  const pages = m.sizes.pages
  rmSync(join(store, m.id), { recursive: true, force: true })
  return { dump: f.ms, restore: r.ms, pages, flags: m.flags.argv }
}

async function criu(mib, flags) {
  const dir = mkdtempSync(join(base, 'criu-'))
  const w = await startMem(mib)
  // The same argv Icebox ran, pointed at another directory.
  const argv = flags
    .map((a, i) => (flags[i - 1] === '-D' ? dir : a))
    .map((a, i, all) => (all[i - 1] === '-t' ? String(w.pid) : a))
  const d = timed(CRIU, argv)
  await w.exited
  await gone(w.pid)
  const pidfile = join(dir, 'restored.pid')
  const r = timed(CRIU, [
    'restore',
    '--no-default-config',
    '-D',
    dir,
    '-d',
    '-v4',
    '-o',
    'restore.log',
    '--display-stats',
    '--pidfile',
    pidfile
  ])
  const pid = Number(readFileSync(pidfile, 'utf8'))
  kill(pid)
  rmSync(dir, { recursive: true, force: true })
  return { dump: d.ms, restore: r.ms }
}

function dd(mib) {
  const file = join(base, 'dd.bin')
  const t = timed('dd', ['if=/dev/zero', `of=${file}`, 'bs=1M', `count=${mib}`, 'status=none'])
  rmSync(file, { force: true })
  return t.ms
}

/** The floor of any Node command line here: node starting and running nothing, as icebox starts it. */
const nodeFloor = () => timed(process.execPath, [...nodeFlagsFor('freeze'), '-e', '0']).ms

const rows = []
const floors = []
for (const mib of SIZES) {
  const ice = { dump: [], restore: [] }
  const raw = { dump: [], restore: [] }
  const dds = []
  let pages = 0
  for (let i = 0; i < ROUNDS; i++) {
    const a = await icebox(mib)
    ice.dump.push(a.dump)
    ice.restore.push(a.restore)
    pages = a.pages
    const b = await criu(mib, a.flags)
    raw.dump.push(b.dump)
    raw.restore.push(b.restore)
    dds.push(dd(mib))
    floors.push(nodeFloor())
  }
  const mibWritten = pages / 1048576
  const row = {
    size: `${mib} MiB`,
    iceboxFreeze: median(ice.dump),
    criuDump: median(raw.dump),
    iceboxRestore: median(ice.restore),
    criuRestore: median(raw.restore),
    dd: median(dds),
    mibWritten
  }
  rows.push(row)
}

const f = (n) => n.toFixed(0).padStart(7)
const pct = (a, b) => `${(((a - b) / b) * 100).toFixed(0)}%`.padStart(6)
console.log(
  `bench/freeze: ${ROUNDS} rounds, medians in ms (icebox = node CLI incl. startup, scan, analysis, store)`
)
console.log(
  'size      icebox-freeze criu-dump  overhead  (+ms)   icebox-restore criu-restore overhead (+ms)   dump MiB/s  dd MiB/s'
)
for (const r of rows) {
  console.log(
    `${r.size.padEnd(9)} ${f(r.iceboxFreeze)}       ${f(r.criuDump)}  ${pct(r.iceboxFreeze, r.criuDump)} ${f(r.iceboxFreeze - r.criuDump)}   ${f(r.iceboxRestore)}        ${f(r.criuRestore)}    ${pct(r.iceboxRestore, r.criuRestore)} ${f(r.iceboxRestore - r.criuRestore)}   ${(r.mibWritten / (r.criuDump / 1000)).toFixed(0).padStart(8)}  ${(parseInt(r.size) / (r.dd / 1000)).toFixed(0).padStart(8)}`
  )
}
console.log(
  `node start-up alone (node -e 0, as icebox freeze starts it), median of ${floors.length}: ${f(median(floors)).trim()} ms: a floor under every Node command's overhead`
)
execFileSync('rm', ['-rf', base])
