/**
 * Change sets of process rows, as pure functions: the core computes one per subscriber from
 * the list that subscriber holds (new processes in full, only the changed fields of the others,
 * pids gone), and the renderer applies it keeping every unchanged row object. A refresh where
 * every process's memory changed then moves a few numbers per row instead of 5 000 rows.
 */
import type { ProcessesChanged, ProcessRow, ResourceCounts, RowPatch } from './api-types'

/**
 * Fields whose change can move a row in the tree or in or out of a filter (parent, search
 * text, user, freezability, kernel thread): a patch touching one of them changes the shape.
 */
export const SHAPE_FIELDS: ReadonlySet<keyof ProcessRow> = new Set<keyof ProcessRow>([
  'ppid',
  'name',
  'command',
  'user',
  'uid',
  'verdict',
  'kernelThread'
])

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

function sameCounts(a: ResourceCounts, b: ResourceCounts): boolean {
  return (
    a === b ||
    (a.files === b.files &&
      a.pipes === b.pipes &&
      a.sockets === b.sockets &&
      a.locks === b.locks &&
      a.devices === b.devices)
  )
}

/** True when every field but pid and start time is equal (no allocation). */
export function sameFields(a: ProcessRow, b: ProcessRow): boolean {
  return (
    a.ppid === b.ppid &&
    a.name === b.name &&
    a.command === b.command &&
    a.user === b.user &&
    a.uid === b.uid &&
    a.state === b.state &&
    a.startTime === b.startTime &&
    a.rssBytes === b.rssBytes &&
    a.threads === b.threads &&
    a.kernelThread === b.kernelThread &&
    a.verdict === b.verdict &&
    sameCounts(a.counts, b.counts) &&
    sameStrings(a.findingIds, b.findingIds) &&
    sameStrings(a.reasons, b.reasons)
  )
}

/**
 * The fields of `b` that differ from `a` (the same process: same pid and start time), or null
 * when none does. No allocation for an unchanged row.
 */
export function diffRow(a: ProcessRow, b: ProcessRow): RowPatch | null {
  if (sameFields(a, b)) return null
  const p: RowPatch = { pid: b.pid }
  if (a.ppid !== b.ppid) p.ppid = b.ppid
  if (a.name !== b.name) p.name = b.name
  if (a.command !== b.command) p.command = b.command
  if (a.user !== b.user) p.user = b.user
  if (a.uid !== b.uid) p.uid = b.uid
  if (a.state !== b.state) p.state = b.state
  if (a.startTime !== b.startTime) p.startTime = b.startTime
  if (a.rssBytes !== b.rssBytes) p.rssBytes = b.rssBytes
  if (a.threads !== b.threads) p.threads = b.threads
  if (a.kernelThread !== b.kernelThread) p.kernelThread = b.kernelThread
  if (!sameCounts(a.counts, b.counts)) p.counts = b.counts
  if (a.verdict !== b.verdict) p.verdict = b.verdict
  if (!sameStrings(a.findingIds, b.findingIds)) p.findingIds = b.findingIds
  if (!sameStrings(a.reasons, b.reasons)) p.reasons = b.reasons
  return p
}

/** `r` with the fields of `p`, as a new object of the same shape as every row. */
export function patchRow(r: ProcessRow, p: RowPatch): ProcessRow {
  return {
    pid: r.pid,
    ppid: p.ppid ?? r.ppid,
    name: p.name ?? r.name,
    command: p.command ?? r.command,
    user: p.user ?? r.user,
    uid: p.uid ?? r.uid,
    state: p.state ?? r.state,
    startTime: p.startTime ?? r.startTime,
    startTicks: r.startTicks,
    rssBytes: p.rssBytes ?? r.rssBytes,
    threads: p.threads ?? r.threads,
    kernelThread: p.kernelThread ?? r.kernelThread,
    counts: p.counts ?? r.counts,
    verdict: p.verdict ?? r.verdict,
    findingIds: p.findingIds ?? r.findingIds,
    reasons: p.reasons ?? r.reasons
  }
}

/**
 * Which fields `p` carries, as a bit mask (cheap to compare between patches): bit i is the i-th
 * field of RowPatch after pid, in the order below.
 */
export function keyMask(p: RowPatch): number {
  return (
    (p.ppid !== undefined ? 1 : 0) |
    (p.name !== undefined ? 2 : 0) |
    (p.command !== undefined ? 4 : 0) |
    (p.user !== undefined ? 8 : 0) |
    (p.uid !== undefined ? 16 : 0) |
    (p.state !== undefined ? 32 : 0) |
    (p.startTime !== undefined ? 64 : 0) |
    (p.rssBytes !== undefined ? 128 : 0) |
    (p.threads !== undefined ? 256 : 0) |
    (p.kernelThread !== undefined ? 512 : 0) |
    (p.counts !== undefined ? 1024 : 0) |
    (p.verdict !== undefined ? 2048 : 0) |
    (p.findingIds !== undefined ? 4096 : 0) |
    (p.reasons !== undefined ? 8192 : 0)
  )
}

/** Adds the fields `p` carries to `into`; true when one of them is a SHAPE_FIELDS field. */
function noteFields(p: RowPatch, into: Set<keyof ProcessRow>): boolean {
  for (const k in p) if (k !== 'pid') into.add(k as keyof ProcessRow)
  return (
    p.ppid !== undefined ||
    p.name !== undefined ||
    p.command !== undefined ||
    p.user !== undefined ||
    p.uid !== undefined ||
    p.verdict !== undefined ||
    p.kernelThread !== undefined
  )
}

/** What changed from `prev` to `next`, keyed by pid; a pid with a new start time is new. */
export function diffRows(
  prev: readonly ProcessRow[],
  next: readonly ProcessRow[]
): Pick<ProcessesChanged, 'upserted' | 'patched' | 'removed'> {
  const upserted: ProcessRow[] = []
  const patched: RowPatch[] = []
  const removed: number[] = []
  const one = (old: ProcessRow | undefined, r: ProcessRow): void => {
    if (old === r) return
    if (!old || old.startTicks !== r.startTicks) upserted.push(r)
    else {
      const p = diffRow(old, r)
      if (p) patched.push(p)
    }
  }
  // Two scans list the processes in the same (pid) order: walk both while they line up, and
  // index the rest by pid only from the first place they differ.
  let i = 0
  const n = Math.min(prev.length, next.length)
  while (i < n && prev[i]!.pid === next[i]!.pid) {
    one(prev[i], next[i]!)
    i++
  }
  const before = new Map<number, ProcessRow>()
  for (let k = i; k < prev.length; k++) before.set(prev[k]!.pid, prev[k]!)
  for (let k = i; k < next.length; k++) {
    const r = next[k]!
    one(before.get(r.pid), r)
    before.delete(r.pid)
  }
  for (const pid of before.keys()) removed.push(pid)
  return { upserted, patched, removed }
}

export interface Applied {
  /** The new rows: unchanged ones are the very objects of the old list. */
  rows: ProcessRow[]
  /**
   * False when only fields outside SHAPE_FIELDS changed (memory, state, threads, …): the tree,
   * the filters' result and the tree order stay as they were.
   */
  shapeChanged: boolean
  /** Every field any patch touched (to tell whether a sort by one of them must run again). */
  fields: ReadonlySet<keyof ProcessRow>
}

/**
 * `rows` with the change set applied (never mutated): removed pids dropped, patched rows as new
 * objects, new rows replacing a pid's old process in place or appended.
 */
export function applyDelta(
  rows: readonly ProcessRow[],
  c: Pick<ProcessesChanged, 'upserted' | 'patched' | 'removed'>
): Applied {
  const fields = new Set<keyof ProcessRow>()
  let shapeChanged = c.upserted.length > 0 || c.removed.length > 0
  const removed = c.removed.length > 0 ? new Set(c.removed) : null
  const up = new Map<number, ProcessRow>()
  for (const r of c.upserted) up.set(r.pid, r)
  const patched = c.patched
  // Patches of one scan mostly carry the same fields: look at a patch's keys only when its
  // field set may differ from the previous one's.
  let lastKeys = -1
  // Indexed loops: this runs a few times per session, mostly before V8 optimises it, and for-of
  // is several times slower than an index in its interpreter.
  for (let k = 0; k < patched.length; k++) {
    const p = patched[k]!
    const keys = keyMask(p)
    if (keys === lastKeys) continue
    lastKeys = keys
    if (noteFields(p, fields)) shapeChanged = true
  }
  // The patches come in the order of the rows (both follow the scan): take them in step, and
  // index the rest by pid only from the first row whose patch is not the next one.
  let j = 0
  let rest: Map<number, RowPatch> | null = null
  const out: ProcessRow[] = []
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!
    if (removed?.has(r.pid)) continue
    if (up.size > 0) {
      const n = up.get(r.pid)
      if (n) {
        out.push(n)
        up.delete(r.pid)
        continue
      }
    }
    let p: RowPatch | undefined
    if (rest === null && j < patched.length) {
      if (patched[j]!.pid === r.pid) p = patched[j++]
      else {
        rest = new Map()
        for (let k = j; k < patched.length; k++) rest.set(patched[k]!.pid, patched[k]!)
      }
    }
    if (rest !== null) p = rest.get(r.pid)
    out.push(p ? patchRow(r, p) : r)
  }
  for (const r of up.values()) out.push(r)
  return { rows: out, shapeChanged, fields }
}
