/** The main-process side of the scan worker: keeps the latest list and forwards changes. */
import { Worker } from 'node:worker_threads'

import type { ProcessesChanged, ProcessList } from '../common/api-types'
import type { FromWorker, ToWorker } from './scan-worker'

export interface Scanner {
  latest(): ProcessList | null
  stop(): Promise<void>
}

/** Starts the worker at `workerPath`, scanning every `intervalMs`. */
export function startScanner(
  workerPath: string,
  intervalMs: number,
  onChanged: (c: ProcessesChanged) => void
): Scanner {
  const worker = new Worker(workerPath)
  let latest: ProcessList | null = null
  worker.on('message', (m: FromWorker) => {
    if (m.type === 'list') latest = m.list
    else if (m.type === 'changed')
      onChanged({ takenAt: m.takenAt, upserted: m.upserted, removed: m.removed })
    else console.warn(`icebox: scan failed: ${m.message}`)
  })
  worker.postMessage({ type: 'interval', ms: intervalMs } satisfies ToWorker)
  return {
    latest: () => latest,
    stop: async () => {
      await worker.terminate()
    }
  }
}
