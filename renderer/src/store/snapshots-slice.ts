/**
 * The snapshot library: list with filter and sort, the selected snapshot's decoded details and
 * pre-flight, and one-click restore / delete.
 */
import type {
  PreflightResult,
  SnapshotDetails,
  SnapshotRow
} from '../../../electron/common/api-types'
import type { AppErrorData } from '../../../electron/common/errors'
import { errorData } from './processes-slice'
import type { SliceCreator } from './types'

export type SnapshotSort = 'created' | 'name' | 'size'

export interface SnapshotsSlice {
  snapshots: SnapshotRow[] | null
  snapshotsError: AppErrorData | null
  snapshotFilter: string
  snapshotSort: SnapshotSort
  selectedSnapshot: string | null
  snapshotDetails: SnapshotDetails | null
  snapshotDetailsError: AppErrorData | null
  preflight: PreflightResult | null
  restoreJobId: string | null
  restoreError: AppErrorData | null
  /** The result of the last export/import, in words, or its error. */
  archiveMessage: string | null
  archiveError: AppErrorData | null
  refreshSnapshots(): Promise<void>
  setSnapshotFilter(f: string): void
  setSnapshotSort(s: SnapshotSort): void
  selectSnapshot(id: string | null): Promise<void>
  restoreSnapshot(id: string): Promise<void>
  deleteSnapshot(id: string): Promise<void>
  exportSnapshot(id: string, path?: string): Promise<void>
  importSnapshot(path: string): Promise<void>
}

export const createSnapshotsSlice: SliceCreator<SnapshotsSlice> = (api) => (set, get) => ({
  snapshots: null,
  snapshotsError: null,
  snapshotFilter: '',
  snapshotSort: 'created',
  selectedSnapshot: null,
  snapshotDetails: null,
  snapshotDetailsError: null,
  preflight: null,
  restoreJobId: null,
  restoreError: null,
  archiveMessage: null,
  archiveError: null,
  async refreshSnapshots() {
    try {
      const snapshots = await api['snapshots.list']()
      set({ snapshots, snapshotsError: null })
      const sel = get().selectedSnapshot
      if (sel && snapshots.some((s) => s.id === sel)) {
        const preflight = await api['snapshots.preflight']({ id: sel }).catch(() => null)
        if (get().selectedSnapshot === sel) set({ preflight })
      }
    } catch (err) {
      set({ snapshotsError: errorData(err) })
    }
  },
  setSnapshotFilter: (snapshotFilter) => set({ snapshotFilter }),
  setSnapshotSort: (snapshotSort) => set({ snapshotSort }),
  async selectSnapshot(id) {
    set({
      selectedSnapshot: id,
      snapshotDetails: null,
      snapshotDetailsError: null,
      preflight: null,
      restoreError: null,
      restoreJobId: null
    })
    if (!id) return
    const [details, preflight] = await Promise.allSettled([
      api['snapshots.inspect']({ id }),
      api['snapshots.preflight']({ id })
    ])
    if (get().selectedSnapshot !== id) return
    set({
      snapshotDetails: details.status === 'fulfilled' ? details.value : null,
      snapshotDetailsError: details.status === 'rejected' ? errorData(details.reason) : null,
      preflight: preflight.status === 'fulfilled' ? preflight.value : null
    })
  },
  async restoreSnapshot(id) {
    set({ restoreError: null, restoreJobId: null })
    try {
      const { jobId } = await api['snapshots.restore']({ id })
      get().trackJob(jobId, 'restore', id)
      set({ restoreJobId: jobId })
    } catch (err) {
      set({ restoreError: errorData(err) })
    }
  },
  async exportSnapshot(id, path) {
    set({ archiveMessage: null, archiveError: null })
    try {
      const r = await api['snapshots.export']({ id, ...(path ? { path } : {}) })
      set({ archiveMessage: `Exported to ${r.path}.` })
    } catch (err) {
      set({ archiveError: errorData(err) })
    }
  },
  async importSnapshot(path) {
    set({ archiveMessage: null, archiveError: null })
    try {
      const row = await api['snapshots.import']({ path })
      set({ archiveMessage: `Imported ${row.name} (${row.id}).` })
      await get().refreshSnapshots()
      await get().selectSnapshot(row.id)
    } catch (err) {
      set({ archiveError: errorData(err) })
    }
  },
  async deleteSnapshot(id) {
    try {
      await api['snapshots.delete']({ id })
      if (get().selectedSnapshot === id) await get().selectSnapshot(null)
      await get().refreshSnapshots()
    } catch (err) {
      set({ snapshotsError: errorData(err) })
    }
  }
})
