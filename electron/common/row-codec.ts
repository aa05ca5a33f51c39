/**
 * The wire form of process rows over the `icebox serve` WebSocket: one array per row instead of
 * an object repeating its keys, and the strings that repeat across rows (names, users, states,
 * verdicts, finding ids, reasons) sent once in a table. 5 000 rows: 1.8 MB of JSON become
 * ~0.6 MB, which Chromium receives about 3× sooner (bench/ui, a refresh where every row
 * changed). Only the WebSocket frames use it (serve.ts packs, the renderer's ws-transport
 * unpacks); the typed Api and Electron's IPC see plain rows.
 */
import type { ProcessesChanged, ProcessList, ProcessRow } from './api-types'

/** pid, ppid, name#, command, user#, uid, state#, startTime, startTicks, rssBytes, threads,
 * kernelThread (0/1), files, pipes, sockets, locks, devices, verdict#, findingIds#, reasons#
 * (# = index into `strings`). */
type PackedRow = [
  number,
  number,
  number,
  string,
  number,
  number,
  number,
  string,
  number,
  number,
  number,
  0 | 1,
  number,
  number,
  number,
  number,
  number,
  number,
  number[],
  number[]
]

export interface PackedRows {
  packed: 'rows/1'
  strings: string[]
  rows: PackedRow[]
}

export function packRows(rows: readonly ProcessRow[]): PackedRows {
  const strings: string[] = []
  const index = new Map<string, number>()
  const s = (x: string): number => {
    let i = index.get(x)
    if (i === undefined) {
      i = strings.push(x) - 1
      index.set(x, i)
    }
    return i
  }
  const packed = rows.map((r): PackedRow => {
    const c = r.counts
    return [
      r.pid,
      r.ppid,
      s(r.name),
      r.command,
      s(r.user),
      r.uid,
      s(r.state),
      r.startTime,
      r.startTicks,
      r.rssBytes,
      r.threads,
      r.kernelThread ? 1 : 0,
      c.files,
      c.pipes,
      c.sockets,
      c.locks,
      c.devices,
      s(r.verdict),
      r.findingIds.map(s),
      r.reasons.map(s)
    ]
  })
  return { packed: 'rows/1', strings, rows: packed }
}

export function unpackRows(p: PackedRows): ProcessRow[] {
  const st = p.strings
  const at = (i: number): string => st[i] ?? ''
  return p.rows.map((r) => ({
    pid: r[0],
    ppid: r[1],
    name: at(r[2]),
    command: r[3],
    user: at(r[4]),
    uid: r[5],
    state: at(r[6]),
    startTime: r[7],
    startTicks: r[8],
    rssBytes: r[9],
    threads: r[10],
    kernelThread: r[11] === 1,
    counts: { files: r[12], pipes: r[13], sockets: r[14], locks: r[15], devices: r[16] },
    verdict: at(r[17]) as ProcessRow['verdict'],
    findingIds: r[18].map(at) as ProcessRow['findingIds'],
    reasons: r[19].map(at)
  }))
}

function isPacked(v: unknown): v is PackedRows {
  return typeof v === 'object' && v !== null && (v as { packed?: unknown }).packed === 'rows/1'
}

/**
 * `value` (the result of method `kind` or the payload of event `kind`) with its row list packed:
 * processes.list's rows and processes.changed's upserted rows; anything else as it is.
 */
export function packForWire(kind: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value
  if (kind === 'processes.list') {
    const l = value as ProcessList
    if (Array.isArray(l.rows)) return { ...l, rows: packRows(l.rows) }
  } else if (kind === 'processes.changed') {
    const c = value as ProcessesChanged
    if (Array.isArray(c.upserted)) return { ...c, upserted: packRows(c.upserted) }
  }
  return value
}

/** The inverse of packForWire. */
export function unpackFromWire(kind: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value
  const v = value as Record<string, unknown>
  if (kind === 'processes.list' && isPacked(v.rows)) return { ...v, rows: unpackRows(v.rows) }
  if (kind === 'processes.changed' && isPacked(v.upserted))
    return { ...v, upserted: unpackRows(v.upserted) }
  return value
}
