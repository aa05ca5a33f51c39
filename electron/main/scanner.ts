/** The main-process side of the scan worker: keeps the latest list and forwards changes. */
import { Worker } from 'node:worker_threads'

import type { ProcessesChanged, ProcessList } from '../common/api-types'
import type { FromWorker, ToWorker } from './scan-worker'

export interface Scanner {
  /** The list the last change set led to (what processes.list answers). */
  latest(): ProcessList | null
  /** The window's processes.watch: interval and pause. */
  configure(intervalMs: number, paused: boolean): void
  /** Scan now; the changes arrive like any others. */
  scanNow(): void
  stop(): Promise<void>
}

/** Starts the worker at `workerPath`; change sets go to `onChanged` (the window). */
export function startScanner(
  workerPath: string,
  onChanged: (c: ProcessesChanged) => void
): Scanner {
  const worker = new Worker(workerPath)
  let latest: ProcessList | null = null
  worker.on('message', (m: FromWorker) => {
    if (m.type === 'list') latest = m.list
    else if (m.type === 'changed') onChanged(m.changes)
    else console.warn(`icebox: scan failed: ${m.message}`)
  })
  return {
    latest: () => latest,
    configure(intervalMs, paused) {
      worker.postMessage({ type: 'configure', intervalMs, paused } satisfies ToWorker)
    },
    scanNow() {
      worker.postMessage({ type: 'scan-now' } satisfies ToWorker)
    },
    stop: async () => {
      await worker.terminate()
    }
  }
}
