/**
 * The Freeze dialog and the running jobs: plan → options → start → progress events → result.
 * Restores started from the Snapshots view are tracked here too, so progress has one home.
 */
import type {
  FreezeOptions,
  FreezePlan,
  JobFinished,
  JobKind,
  JobProgress
} from '../../../electron/common/api-types'
import type { AppErrorData } from '../../../electron/common/errors'
import { errorData } from './processes-slice'
import type { SliceCreator } from './types'

export interface JobView {
  jobId: string
  kind: JobKind
  /** Snapshot id for restores, pid for freezes: what the job is about. */
  subject: string
  progress: JobProgress[]
  finished: JobFinished | null
}

export type FreezeStep = 'closed' | 'loading' | 'ready' | 'running' | 'done' | 'error'

export interface JobsSlice {
  freezeStep: FreezeStep
  freezePid: number | null
  plan: FreezePlan | null
  planError: AppErrorData | null
  freezeOptions: FreezeOptions | null
  freezeName: string
  freezeJobId: string | null
  jobs: Record<string, JobView>
  openFreeze(pid: number): Promise<void>
  closeFreeze(): void
  setFreezeOption<K extends keyof FreezeOptions>(k: K, v: FreezeOptions[K]): void
  setFreezeName(n: string): void
  startFreeze(): Promise<void>
  cancelJob(jobId: string): Promise<void>
  trackJob(jobId: string, kind: JobKind, subject: string): void
  onJobProgress(p: JobProgress): void
  onJobFinished(f: JobFinished): void
}

export const createJobsSlice: SliceCreator<JobsSlice> = (api) => (set, get) => ({
  freezeStep: 'closed',
  freezePid: null,
  plan: null,
  planError: null,
  freezeOptions: null,
  freezeName: '',
  freezeJobId: null,
  jobs: {},
  async openFreeze(pid) {
    set({ freezeStep: 'loading', freezePid: pid, plan: null, planError: null, freezeJobId: null })
    try {
      const plan = await api['freeze.plan']({ pid })
      if (get().freezePid !== pid) return
      set({ plan, freezeOptions: plan.options, freezeName: plan.name, freezeStep: 'ready' })
    } catch (err) {
      set({ planError: errorData(err), freezeStep: 'error' })
    }
  },
  closeFreeze: () => set({ freezeStep: 'closed', freezePid: null, plan: null, freezeJobId: null }),
  setFreezeOption(k, v) {
    const o = get().freezeOptions
    if (o) set({ freezeOptions: { ...o, [k]: v } })
  },
  setFreezeName: (freezeName) => set({ freezeName }),
  async startFreeze() {
    const { plan, freezeOptions, freezeName } = get()
    if (!plan || !freezeOptions || plan.blocked) return
    set({ freezeStep: 'running', planError: null })
    try {
      const { jobId } = await api['freeze.start']({
        pid: plan.pid,
        startTicks: plan.startTicks,
        options: freezeOptions,
        ...(freezeName.trim() ? { name: freezeName.trim() } : {})
      })
      get().trackJob(jobId, 'freeze', String(plan.pid))
      set({ freezeJobId: jobId })
    } catch (err) {
      set({ planError: errorData(err), freezeStep: 'error' })
    }
  },
  async cancelJob(jobId) {
    await api['job.cancel']({ jobId }).catch(() => undefined)
  },
  trackJob(jobId, kind, subject) {
    const existing = get().jobs[jobId]
    set({
      jobs: {
        ...get().jobs,
        [jobId]: existing ?? { jobId, kind, subject, progress: [], finished: null }
      }
    })
  },
  onJobProgress(p) {
    const j = get().jobs[p.jobId] ?? {
      jobId: p.jobId,
      kind: p.kind,
      subject: '',
      progress: [],
      finished: null
    }
    set({ jobs: { ...get().jobs, [p.jobId]: { ...j, progress: [...j.progress, p] } } })
  },
  onJobFinished(f) {
    const j = get().jobs[f.jobId] ?? {
      jobId: f.jobId,
      kind: f.kind,
      subject: '',
      progress: [],
      finished: null
    }
    set({ jobs: { ...get().jobs, [f.jobId]: { ...j, finished: f } } })
    if (f.jobId === get().freezeJobId) {
      set({ freezeStep: f.ok ? 'done' : 'error', planError: f.error })
    }
    // A finished job changes both lists.
    void get().refreshSnapshots()
    void get().refresh()
  }
})
