/**
 * Scanning off the main thread: a worker_threads worker scans /proc and analyses every tree at
 * the requested interval, and posts only the changes since its last post.
 */
import { parentPort } from 'node:worker_threads'

import type { ProcessList, ProcessRow } from '../common/api-types'
import { analyzeAll } from '../core/analysis/analyze'
import { currentContext } from '../core/analysis/context'
import { scan } from '../core/procfs/scan'
import { diffRows } from '../server/process-diff'
import { toRows } from '../server/process-rows'

/** Messages the main process sends. */
export type ToWorker = { type: 'interval'; ms: number } | { type: 'scan-now' }
/** Messages the worker sends. */
export type FromWorker =
  | { type: 'list'; list: ProcessList }
  | { type: 'changed'; takenAt: string; upserted: ProcessRow[]; removed: number[] }
  | { type: 'error'; message: string }

const ctx = currentContext()
let prev: ProcessRow[] = []
let timer: NodeJS.Timeout | null = null

function tick(): void {
  try {
    const s = scan()
    const rows = toRows(s, analyzeAll(s, ctx))
    const list: ProcessList = {
      takenAt: s.takenAt,
      durationMs: s.durationMs,
      selfPid: s.selfPid,
      uid: ctx.uid,
      rows
    }
    const changes = diffRows(prev, rows, s.takenAt)
    prev = rows
    parentPort?.postMessage({ type: 'list', list } satisfies FromWorker)
    if (changes.upserted.length || changes.removed.length) {
      parentPort?.postMessage({ type: 'changed', ...changes } satisfies FromWorker)
    }
  } catch (err) {
    parentPort?.postMessage({ type: 'error', message: String(err) } satisfies FromWorker)
  }
}

parentPort?.on('message', (m: ToWorker) => {
  if (m.type === 'scan-now') tick()
  if (m.type === 'interval') {
    if (timer) clearInterval(timer)
    timer = setInterval(tick, Math.max(500, m.ms))
  }
})
tick()
