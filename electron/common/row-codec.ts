/**
 * The wire form of process rows over the `icebox serve` WebSocket: one array per row instead of
 * an object repeating its keys, and the strings that repeat across rows (names, users, states,
 * verdicts, finding ids, reasons) sent once in a table. 5 000 rows: 1.8 MB of JSON become
 * ~0.6 MB, which Chromium receives about 3× sooner (bench/ui, a refresh where every row
 * changed). Only the WebSocket frames use it (serve.ts packs, the renderer's ws-transport
 * unpacks); the typed Api and Electron's IPC see plain rows. Change sets' patches (only the
 * changed fields of a row) travel the same way, as flat arrays of (position, value).
 */
import type { ProcessesChanged, ProcessList, ProcessRow, RowPatch } from './api-types'

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

/** A string table: each distinct string once, rows refer to it by index. */
function stringTable(): { strings: string[]; s: (x: string) => number } {
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
  return { strings, s }
}

export function packRows(rows: readonly ProcessRow[]): PackedRows {
  const { strings, s } = stringTable()
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

/**
 * Patches as flat arrays: pid, then pairs of (PackedRow position, value in its packed form);
 * counts travel as their five positions 12–16.
 */
type PackedPatch = Array<number | string | number[]>

export interface PackedPatches {
  packed: 'patches/1'
  strings: string[]
  patches: PackedPatch[]
}

export function packPatches(patches: readonly RowPatch[]): PackedPatches {
  const { strings, s } = stringTable()
  const packed = patches.map((p): PackedPatch => {
    const o: PackedPatch = [p.pid]
    if (p.ppid !== undefined) o.push(1, p.ppid)
    if (p.name !== undefined) o.push(2, s(p.name))
    if (p.command !== undefined) o.push(3, p.command)
    if (p.user !== undefined) o.push(4, s(p.user))
    if (p.uid !== undefined) o.push(5, p.uid)
    if (p.state !== undefined) o.push(6, s(p.state))
    if (p.startTime !== undefined) o.push(7, p.startTime)
    if (p.rssBytes !== undefined) o.push(9, p.rssBytes)
    if (p.threads !== undefined) o.push(10, p.threads)
    if (p.kernelThread !== undefined) o.push(11, p.kernelThread ? 1 : 0)
    const c = p.counts
    if (c) o.push(12, c.files, 13, c.pipes, 14, c.sockets, 15, c.locks, 16, c.devices)
    if (p.verdict !== undefined) o.push(17, s(p.verdict))
    if (p.findingIds !== undefined) o.push(18, p.findingIds.map(s))
    if (p.reasons !== undefined) o.push(19, p.reasons.map(s))
    return o
  })
  return { packed: 'patches/1', strings, patches: packed }
}

export function unpackPatches(pp: PackedPatches): RowPatch[] {
  const st = pp.strings
  const at = (i: unknown): string => st[i as number] ?? ''
  const num = (v: unknown): number => v as number
  return pp.patches.map((a) => {
    const p: RowPatch = { pid: num(a[0]) }
    for (let i = 1; i + 1 < a.length; i += 2) {
      const v = a[i + 1]
      switch (a[i]) {
        case 1:
          p.ppid = num(v)
          break
        case 2:
          p.name = at(v)
          break
        case 3:
          p.command = String(v)
          break
        case 4:
          p.user = at(v)
          break
        case 5:
          p.uid = num(v)
          break
        case 6:
          p.state = at(v)
          break
        case 7:
          p.startTime = String(v)
          break
        case 9:
          p.rssBytes = num(v)
          break
        case 10:
          p.threads = num(v)
          break
        case 11:
          p.kernelThread = v === 1
          break
        case 12:
          p.counts = {
            files: num(v),
            pipes: num(a[i + 3]),
            sockets: num(a[i + 5]),
            locks: num(a[i + 7]),
            devices: num(a[i + 9])
          }
          i += 8
          break
        case 17:
          p.verdict = at(v) as ProcessRow['verdict']
          break
        case 18:
          p.findingIds = (v as number[]).map(at) as ProcessRow['findingIds']
          break
        case 19:
          p.reasons = (v as number[]).map(at)
          break
      }
    }
    return p
  })
}

function isPacked(v: unknown): v is PackedRows {
  return typeof v === 'object' && v !== null && (v as { packed?: unknown }).packed === 'rows/1'
}

function isPackedPatches(v: unknown): v is PackedPatches {
  return typeof v === 'object' && v !== null && (v as { packed?: unknown }).packed === 'patches/1'
}

/**
 * `value` (the result of method `kind` or the payload of event `kind`) with its row list packed:
 * processes.list's rows and processes.changed's upserted rows and patches; anything else as it
 * is.
 */
export function packForWire(kind: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value
  if (kind === 'processes.list') {
    const l = value as ProcessList
    if (Array.isArray(l.rows)) return { ...l, rows: packRows(l.rows) }
  } else if (kind === 'processes.changed') {
    const c = value as ProcessesChanged
    if (Array.isArray(c.upserted) && Array.isArray(c.patched))
      return { ...c, upserted: packRows(c.upserted), patched: packPatches(c.patched) }
  }
  return value
}

/** The inverse of packForWire. */
export function unpackFromWire(kind: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value
  const v = value as Record<string, unknown>
  if (kind === 'processes.list' && isPacked(v.rows)) return { ...v, rows: unpackRows(v.rows) }
  if (kind === 'processes.changed' && isPacked(v.upserted) && isPackedPatches(v.patched))
    return { ...v, upserted: unpackRows(v.upserted), patched: unpackPatches(v.patched) }
  return value
}
