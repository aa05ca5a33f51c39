/**
 * The wire form of process rows over the `icebox serve` WebSocket: one array per row instead of
 * an object repeating its keys, and the strings that repeat across rows (names, users, states,
 * verdicts, finding ids, reasons) sent once in a table. 5 000 rows: 1.8 MB of JSON become
 * ~0.6 MB, which Chromium receives about 3× sooner (bench/ui, a refresh where every row
 * changed). Only the WebSocket frames use it (serve.ts packs, the renderer's ws-transport
 * unpacks); the typed Api and Electron's IPC see plain rows. Change sets' patches (only the
 * changed fields of a row) travel as runs of patches carrying the same fields.
 */
import type { ProcessesChanged, ProcessList, ProcessRow, RowPatch } from './api-types'
import { keyMask } from './row-delta'

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
 * Patches in runs: consecutive patches that carry the same fields share one list of their
 * PackedRow positions, and each patch is an array of its pid and then a value per position in
 * its packed form (counts, at position 12, as five numbers). One scan's patches mostly carry the
 * same fields (memory; or memory, state and threads), so 5 000 of them are one run and no patch
 * repeats its positions. (One flat array of every value was tried: pushing into an array that
 * large is ~10× slower in V8 than making small ones.)
 */
type PatchValues = Array<number | string | number[]>

interface PatchRun {
  at: number[]
  v: PatchValues[]
}

export interface PackedPatches {
  packed: 'patches/2'
  strings: string[]
  runs: PatchRun[]
}

/** The PackedRow position of the field of each bit of row-delta's keyMask, bit 0 first. */
const POSITIONS = [1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 17, 18, 19]

function positionsOf(mask: number): number[] {
  const at: number[] = []
  for (let i = 0; i < POSITIONS.length; i++) if (mask & (1 << i)) at.push(POSITIONS[i]!)
  return at
}

export function packPatches(patches: readonly RowPatch[]): PackedPatches {
  const { strings, s } = stringTable()
  const runs: PatchRun[] = []
  let v: PatchRun['v'] = []
  let at: number[] = []
  let last = -1
  // Indexed loops: this runs a handful of times per session, mostly before V8 optimises it, and
  // for-of is several times slower than an index in its interpreter.
  for (let n = 0; n < patches.length; n++) {
    const p = patches[n]!
    const mask = keyMask(p)
    if (mask !== last) {
      last = mask
      at = positionsOf(mask)
      v = []
      runs.push({ at, v })
    }
    const o: PatchValues = [p.pid]
    v.push(o)
    for (let f = 0; f < at.length; f++) {
      switch (at[f]) {
        case 1:
          o.push(p.ppid!)
          break
        case 2:
          o.push(s(p.name!))
          break
        case 3:
          o.push(p.command!)
          break
        case 4:
          o.push(s(p.user!))
          break
        case 5:
          o.push(p.uid!)
          break
        case 6:
          o.push(s(p.state!))
          break
        case 7:
          o.push(p.startTime!)
          break
        case 9:
          o.push(p.rssBytes!)
          break
        case 10:
          o.push(p.threads!)
          break
        case 11:
          o.push(p.kernelThread ? 1 : 0)
          break
        case 12: {
          const c = p.counts!
          o.push(c.files, c.pipes, c.sockets, c.locks, c.devices)
          break
        }
        case 17:
          o.push(s(p.verdict!))
          break
        case 18:
          o.push(p.findingIds!.map(s))
          break
        case 19:
          o.push(p.reasons!.map(s))
          break
      }
    }
  }
  return { packed: 'patches/2', strings, runs }
}

export function unpackPatches(pp: PackedPatches): RowPatch[] {
  const st = pp.strings
  const at = (i: unknown): string => st[i as number] ?? ''
  const num = (x: unknown): number => x as number
  const out: RowPatch[] = []
  for (let r = 0; r < pp.runs.length; r++) {
    const { v: values, at: fields } = pp.runs[r]!
    for (let n = 0; n < values.length; n++) {
      const v = values[n]!
      const p: RowPatch = { pid: num(v[0]) }
      let i = 1
      for (let f = 0; f < fields.length; f++) {
        const x = v[i++]
        switch (fields[f]) {
          case 1:
            p.ppid = num(x)
            break
          case 2:
            p.name = at(x)
            break
          case 3:
            p.command = String(x)
            break
          case 4:
            p.user = at(x)
            break
          case 5:
            p.uid = num(x)
            break
          case 6:
            p.state = at(x)
            break
          case 7:
            p.startTime = String(x)
            break
          case 9:
            p.rssBytes = num(x)
            break
          case 10:
            p.threads = num(x)
            break
          case 11:
            p.kernelThread = x === 1
            break
          case 12:
            p.counts = {
              files: num(x),
              pipes: num(v[i]),
              sockets: num(v[i + 1]),
              locks: num(v[i + 2]),
              devices: num(v[i + 3])
            }
            i += 4
            break
          case 17:
            p.verdict = at(x) as ProcessRow['verdict']
            break
          case 18:
            p.findingIds = (x as number[]).map(at) as ProcessRow['findingIds']
            break
          case 19:
            p.reasons = (x as number[]).map(at)
            break
        }
      }
      out.push(p)
    }
  }
  return out
}

function isPacked(v: unknown): v is PackedRows {
  return typeof v === 'object' && v !== null && (v as { packed?: unknown }).packed === 'rows/1'
}

function isPackedPatches(v: unknown): v is PackedPatches {
  return typeof v === 'object' && v !== null && (v as { packed?: unknown }).packed === 'patches/2'
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
