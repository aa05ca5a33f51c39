/**
 * `icebox ps [--json] [--tree] [--mine|--user NAME] [--filter TEXT]`: every process with its
 * freezability verdict. One scan, one analysis pass, one write: it is benchmarked against lsof.
 */
import type { Command } from 'commander'

import { AppError } from '../../common/errors'
import type { FindingId, ProcessInfo, ScanResult, Verdict } from '../../common/model'
import { currentContext } from '../../core/analysis/context'
import { summarizeAll, type AnalysisSummary } from '../../core/analysis/summary'
import { scan } from '../../core/procfs/scan'
import { userNames } from '../../core/procfs/system'
import { maskControls } from '../../common/control-chars'

/** What `icebox ps --json` prints per process. */
export interface PsRow {
  pid: number
  ppid: number
  pgid: number
  sid: number
  name: string
  cmdline: string
  exe: string | null
  uid: number
  user: string
  state: string
  tty: string | null
  startTime: string
  startTicks: number
  rssBytes: number
  threads: number
  cpuTimeMs: number
  kernelThread: boolean
  verdict: Verdict
  findingIds: FindingId[]
  criuOptions: string[]
  counts: PsCounts
  /** What could not be read about the process (its verdict may be incomplete). */
  unreadable: string[]
  /** With --tree: nesting depth below the nearest listed ancestor. */
  depth?: number
}

export interface PsCounts {
  files: number
  pipes: number
  unixSockets: number
  tcp: number
  udp: number
  locks: number
  devices: number
}

export interface PsOptions {
  json?: boolean
  tree?: boolean
  mine?: boolean
  user?: string
  filter?: string
}

/** Counts of the resources CRIU cares about, from the fds already scanned. */
export function countResources(p: ProcessInfo): PsCounts {
  const c: PsCounts = {
    files: 0,
    pipes: 0,
    unixSockets: 0,
    tcp: 0,
    udp: 0,
    locks: p.locks.length,
    devices: 0
  }
  for (const fd of p.fds) {
    switch (fd.kind) {
      case 'file':
      case 'memfd':
        c.files++
        break
      case 'pipe':
        c.pipes++
        break
      case 'device':
        c.devices++
        break
      case 'socket':
        if (fd.proto === 'unix') c.unixSockets++
        else if (fd.proto === 'tcp' || fd.proto === 'tcp6') c.tcp++
        else if (fd.proto === 'udp' || fd.proto === 'udp6') c.udp++
        break
    }
  }
  return c
}

/** The JSON row of one process. */
export function toPsRow(p: ProcessInfo, a: AnalysisSummary | undefined): PsRow {
  return {
    pid: p.pid,
    ppid: p.ppid,
    pgid: p.pgid,
    sid: p.sid,
    name: p.name,
    cmdline: p.cmdline.join(' '),
    exe: p.exe,
    uid: p.uid,
    user: p.user,
    state: p.state,
    tty: p.tty,
    startTime: p.startTime,
    startTicks: p.startTicks,
    rssBytes: p.rssBytes,
    threads: p.threads,
    cpuTimeMs: p.cpuTimeMs,
    kernelThread: p.kernelThread,
    // A process that vanished between scan and analysis cannot be frozen.
    verdict: a?.verdict ?? 'blocked',
    findingIds: a?.findingIds ?? [],
    criuOptions: a?.criuOptions ?? [],
    counts: countResources(p),
    unreadable: p.unreadable
  }
}

/** The processes `--mine`, `--user` and `--filter` keep. */
export function selectProcesses(
  processes: ProcessInfo[],
  opts: PsOptions,
  myUid: number
): ProcessInfo[] {
  let userUid: number | null = null
  if (opts.user !== undefined && /^\d+$/.test(opts.user)) userUid = Number(opts.user)
  const text = opts.filter?.toLowerCase()
  return processes.filter((p) => {
    if (opts.mine && p.uid !== myUid) return false
    if (opts.user !== undefined && p.user !== opts.user && p.uid !== userUid) return false
    if (text !== undefined && text !== '') {
      const hit =
        String(p.pid) === text ||
        p.name.toLowerCase().includes(text) ||
        p.cmdline.join(' ').toLowerCase().includes(text)
      if (!hit) return false
    }
    return true
  })
}

/**
 * Orders processes as a forest: each under its parent when the parent is listed too, children
 * by pid. Returns [process, depth] pairs.
 */
export function treeOrder(processes: ProcessInfo[]): Array<[ProcessInfo, number]> {
  const listed = new Set(processes.map((p) => p.pid))
  const kids = new Map<number, ProcessInfo[]>()
  const roots: ProcessInfo[] = []
  for (const p of [...processes].sort((a, b) => a.pid - b.pid)) {
    if (p.ppid !== p.pid && listed.has(p.ppid)) {
      const list = kids.get(p.ppid)
      if (list) list.push(p)
      else kids.set(p.ppid, [p])
    } else {
      roots.push(p)
    }
  }
  const out: Array<[ProcessInfo, number]> = []
  const seen = new Set<number>()
  const stack: Array<[ProcessInfo, number]> = roots.reverse().map((p) => [p, 0])
  while (stack.length > 0) {
    const [p, depth] = stack.pop()!
    if (seen.has(p.pid)) continue
    seen.add(p.pid)
    out.push([p, depth])
    const children = kids.get(p.pid) ?? []
    for (let i = children.length - 1; i >= 0; i--) stack.push([children[i]!, depth + 1])
  }
  return out
}

const VERDICT_TEXT: Record<Verdict, string> = {
  freezable: 'freezable',
  'needs-options': 'options',
  blocked: 'BLOCKED'
}

/** "12.3M"-style sizes for the table. */
export function shortBytes(n: number): string {
  const units = ['B', 'K', 'M', 'G', 'T']
  let v = n
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return i === 0 ? `${n}B` : `${v < 10 ? v.toFixed(1) : Math.round(v)}${units[i]}`
}

/** Start time as HH:MM when it was today, else as "Nov27". */
export function shortStart(iso: string, now: Date): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return '?'
  const pad = (n: number): string => String(n).padStart(2, '0')
  if (d.toDateString() === now.toDateString()) return `${pad(d.getHours())}:${pad(d.getMinutes())}`
  const month = d.toLocaleString('en', { month: 'short' })
  return `${month}${pad(d.getDate())}`
}

/** The "what stands in the way" column: finding ids that are not mere information. */
function notableFindings(a: AnalysisSummary | undefined): string {
  if (!a) return 'vanished'
  return a.notableIds.join(',') || '-'
}

function fit(text: string, width: number): string {
  if (text.length <= width) return text.padEnd(width)
  return width <= 1 ? text.slice(0, width) : text.slice(0, width - 1) + '…'
}

/**
 * The human table. `width` is the terminal width; the command column takes what is left
 * (null: no truncation, e.g. when piped).
 */
export function formatPsTable(
  entries: Array<[ProcessInfo, number]>,
  analyses: Map<number, AnalysisSummary>,
  width: number | null,
  now: Date = new Date()
): string {
  const FINDINGS_WIDTH = 28
  const header = `${'PID'.padStart(7)} ${fit('USER', 10)} S ${fit('STARTED', 7)} ${'RSS'.padStart(6)} ${fit('VERDICT', 9)} ${fit('FINDINGS', FINDINGS_WIDTH)} COMMAND`
  const fixed = header.length - 'COMMAND'.length
  const commandWidth = width === null ? null : Math.max(10, width - fixed)
  const lines = [header]
  for (const [p, depth] of entries) {
    const a = analyses.get(p.pid)
    const command = maskControls(p.cmdline.length > 0 ? p.cmdline.join(' ') : `[${p.name}]`)
    const indented = '  '.repeat(depth) + (depth > 0 ? '└ ' : '') + command
    const shown = commandWidth === null ? indented : fit(indented, commandWidth).trimEnd()
    lines.push(
      `${String(p.pid).padStart(7)} ${fit(maskControls(p.user), 10)} ${fit(p.state, 1)} ` +
        `${fit(shortStart(p.startTime, now), 7)} ${shortBytes(p.rssBytes).padStart(6)} ` +
        `${fit(a ? VERDICT_TEXT[a.verdict] : 'gone', 9)} ${fit(notableFindings(a), FINDINGS_WIDTH)} ${shown}`
    )
  }
  return lines.join('\n') + '\n'
}

/** Rows of JSON are handed to the writer in pieces of about this many characters. */
const PIECE = 64 * 1024

/**
 * Refuses a --user that names nobody: an empty table would read as "that user runs nothing".
 * Names are those of /etc/passwd, where the scanner takes them from; a uid is always accepted.
 */
export function checkUser(user: string, names: ReadonlyMap<number, string>): void {
  if (/^\d+$/.test(user)) return
  for (const name of names.values()) if (name === user) return
  throw new AppError({
    code: 'BAD_INPUT',
    message: `There is no user named "${user}"; run \`getent passwd\` to list users, or give a uid.`
  })
}

/**
 * Runs `icebox ps`, handing what it prints to `write` in pieces: thousands of rows are never
 * joined into one string (and one more copy of it as a Buffer) before they go out.
 */
export function writePs(
  opts: PsOptions,
  write: (piece: string) => void,
  result: ScanResult = scan({ parallel: true, fileDetails: false })
): void {
  if (opts.mine && opts.user !== undefined) {
    throw new AppError({
      code: 'BAD_INPUT',
      message: 'Use either --mine or --user NAME, not both.'
    })
  }
  if (opts.user !== undefined) checkUser(opts.user, userNames())
  const ctx = currentContext()
  const myUid = process.getuid?.() ?? 0
  const selected = selectProcesses(result.processes, opts, myUid)
  // The summary gives the same verdicts as analyzeAll without each tree's full findings list.
  const analyses = summarizeAll(
    result,
    ctx,
    selected.map((p) => p.pid)
  )
  const entries: Array<[ProcessInfo, number]> = opts.tree
    ? treeOrder(selected)
    : selected.map((p) => [p, 0])
  if (opts.json) {
    let piece = '['
    entries.forEach(([p, depth], i) => {
      const row = toPsRow(p, analyses.get(p.pid))
      if (opts.tree) row.depth = depth
      piece += (i > 0 ? ',' : '') + JSON.stringify(row)
      if (piece.length >= PIECE) {
        write(piece)
        piece = ''
      }
    })
    write(piece + ']\n')
    return
  }
  const width = process.stdout.isTTY ? process.stdout.columns : null
  write(formatPsTable(entries, analyses, width))
}

/** Runs `icebox ps` and returns what it prints. */
export function runPs(opts: PsOptions, result?: ScanResult): string {
  const pieces: string[] = []
  writePs(opts, (piece) => pieces.push(piece), result)
  return pieces.join('')
}

/** Registers `icebox ps`. */
export function registerPs(program: Command): void {
  program
    .command('ps')
    .description('List processes and whether each one (with its children) can be frozen.')
    .option('--json', 'print a JSON array instead of a table')
    .option('--tree', 'show processes under their parents')
    .option('--mine', 'only your own processes')
    .option('--user <name>', 'only the processes of this user (name or uid)')
    .option('--filter <text>', 'only processes whose name, command line or pid matches')
    .action((opts: PsOptions) => {
      // `icebox ps --json | head`: a reader that stops early is not an error (like SIGPIPE for C tools).
      process.stdout.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EPIPE') process.exit(0)
        throw err
      })
      writePs(opts, (piece) => process.stdout.write(piece))
    })
}
