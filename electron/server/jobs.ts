/**
 * Long-running freezes and restores as jobs: an id, progress events, cancellation, and one
 * `job.finished` event with the result or the explained error.
 */
import { randomUUID } from 'node:crypto'

import type { JobFinished, JobKind } from '../common/api-types'
import type { EmitEvent } from '../common/contract'
import { toErrorData } from '../common/errors'

/** Reported by a running job. */
export interface ProgressUpdate {
  phase: string
  message?: string
  bytesWritten?: number | null
}

/** What a job's work function returns on success. */
export interface JobOutcome {
  snapshotId?: string | null
  rootPid?: number | null
  terminal?: string | null
  sizeBytes?: number | null
  frozenMs?: number | null
  log?: string | null
}

export interface JobHooks {
  onProgress: (u: ProgressUpdate) => void
  signal: AbortSignal
}

/** Errors may carry the criu log so "show log" works after a failure. */
export interface ErrorWithLog {
  log?: unknown
}

export interface JobRunner {
  start(kind: JobKind, work: (hooks: JobHooks) => Promise<JobOutcome>): string
  cancel(jobId: string): boolean
  /** Resolves when every running job has finished (for clean shutdown and tests). */
  idle(): Promise<void>
}

/** Creates a runner that reports through `emit`. */
export function createJobRunner(emit: EmitEvent): JobRunner {
  const running = new Map<string, { controller: AbortController; done: Promise<void> }>()
  return {
    start(kind, work) {
      const jobId = randomUUID()
      const controller = new AbortController()
      const t0 = Date.now()
      let lastBytes: number | null = null
      const onProgress = (u: ProgressUpdate): void => {
        if (u.bytesWritten !== undefined) lastBytes = u.bytesWritten
        emit('job.progress', {
          jobId,
          kind,
          phase: u.phase,
          message: u.message ?? u.phase,
          bytesWritten: lastBytes,
          elapsedMs: Date.now() - t0
        })
      }
      const finish = (f: Omit<JobFinished, 'jobId' | 'kind' | 'elapsedMs'>): void => {
        emit('job.finished', { jobId, kind, elapsedMs: Date.now() - t0, ...f })
      }
      const done = (async () => {
        // Let the caller receive the job id before the first event.
        await new Promise((r) => setImmediate(r))
        try {
          const o = await work({ onProgress, signal: controller.signal })
          finish({
            ok: true,
            snapshotId: o.snapshotId ?? null,
            rootPid: o.rootPid ?? null,
            terminal: o.terminal ?? null,
            sizeBytes: o.sizeBytes ?? null,
            frozenMs: o.frozenMs ?? null,
            error: null,
            log: o.log ?? null
          })
        } catch (err) {
          const error = controller.signal.aborted
            ? { code: 'CANCELLED' as const, message: `The ${kind} was cancelled.`, ...pick(err) }
            : toErrorData(err)
          const log = (err as ErrorWithLog | null)?.log
          finish({
            ok: false,
            snapshotId: null,
            rootPid: null,
            terminal: null,
            sizeBytes: null,
            frozenMs: null,
            error,
            log: typeof log === 'string' ? log : (error.detail ?? null)
          })
        } finally {
          running.delete(jobId)
        }
      })()
      running.set(jobId, { controller, done })
      return jobId
    },
    cancel(jobId) {
      const job = running.get(jobId)
      if (!job) return false
      job.controller.abort()
      return true
    },
    async idle() {
      await Promise.all([...running.values()].map((j) => j.done))
    }
  }
}

function pick(err: unknown): { why?: string; detail?: string } {
  const d = toErrorData(err)
  return { why: 'You cancelled it; nothing was saved.', ...(d.detail ? { detail: d.detail } : {}) }
}
