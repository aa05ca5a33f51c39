/**
 * Scanning off the main thread: a worker_threads worker scans /proc and analyses every tree at
 * the interval the window asked for (processes.watch; none while paused), and posts only the
 * changes since its last list, stamped with that list's time like `icebox serve` does.
 */
import { parentPort } from 'node:worker_threads'

import type { ProcessesChanged, ProcessList } from '../common/api-types'
import { analyzeAll } from '../core/analysis/analyze'
import { currentContext } from '../core/analysis/context'
import { scan } from '../core/procfs/scan'
import { diffLists, isEmptyChange } from '../server/process-diff'
import { toRows } from '../server/process-rows'

/** Messages the main process sends. */
export type ToWorker =
  { type: 'configure'; intervalMs: number; paused: boolean } | { type: 'scan-now' }
/** Messages the worker sends: the latest whole list, and the changes that led to it. */
export type FromWorker =
  | { type: 'list'; list: ProcessList }
  | { type: 'changed'; changes: ProcessesChanged }
  | { type: 'error'; message: string }

const ctx = currentContext()
let prev: ProcessList | null = null
let timer: NodeJS.Timeout | null = null
let options = { intervalMs: 2000, paused: false }
let seq = 0

function tick(): void {
  try {
    const s = scan()
    const next = seq + 1
    const list: ProcessList = {
      takenAt: s.takenAt,
      durationMs: s.durationMs,
      selfPid: s.selfPid,
      uid: ctx.uid,
      rows: toRows(s, analyzeAll(s, ctx)),
      seq: next
    }
    const changes = prev ? diffLists(prev, list) : null
    if (!changes || !isEmptyChange(changes)) {
      prev = list
      seq = next
      parentPort?.postMessage({ type: 'list', list } satisfies FromWorker)
      if (changes) parentPort?.postMessage({ type: 'changed', changes } satisfies FromWorker)
    }
  } catch (err) {
    parentPort?.postMessage({ type: 'error', message: String(err) } satisfies FromWorker)
  }
}

function schedule(): void {
  if (timer) clearTimeout(timer)
  timer = null
  if (options.paused) return
  timer = setTimeout(() => {
    tick()
    schedule()
  }, options.intervalMs)
}

parentPort?.on('message', (m: ToWorker) => {
  if (m.type === 'scan-now') tick()
  if (m.type === 'configure') {
    options = { intervalMs: Math.max(500, m.intervalMs), paused: m.paused }
    schedule()
  }
})
tick()
schedule()
