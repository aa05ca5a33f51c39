/**
 * The selected process and its lazily fetched details. When the process exits while selected,
 * the last details stay visible with a note instead of vanishing under the user's cursor.
 */
import type { ProcessDetails, ProcessRow } from '../../../electron/common/api-types'
import type { AppErrorData } from '../../../electron/common/errors'
import { errorData } from './processes-slice'
import type { SliceCreator } from './types'

export interface SelectionSlice {
  selectedPid: number | null
  details: ProcessDetails | null
  detailsError: AppErrorData | null
  detailsLoading: boolean
  /** The selected process is no longer in the list. */
  vanished: boolean
  select(pid: number | null): void
  loadDetails(): Promise<void>
  /** Called by the processes slice after every refresh. */
  onProcessesReplaced(rows: readonly ProcessRow[]): void
}

export const createSelectionSlice: SliceCreator<SelectionSlice> = (api) => (set, get) => ({
  selectedPid: null,
  details: null,
  detailsError: null,
  detailsLoading: false,
  vanished: false,
  select(pid) {
    if (pid === get().selectedPid) return
    set({ selectedPid: pid, details: null, detailsError: null, vanished: false })
    if (pid !== null) void get().loadDetails()
  },
  async loadDetails() {
    const pid = get().selectedPid
    if (pid === null) return
    set({ detailsLoading: true })
    try {
      const details = await api['processes.inspect']({ pid })
      if (get().selectedPid === pid) set({ details, detailsError: null, detailsLoading: false })
    } catch (err) {
      if (get().selectedPid !== pid) return
      const e = errorData(err)
      set({ detailsError: e, detailsLoading: false, vanished: e.code === 'NO_SUCH_PROCESS' })
    }
  },
  onProcessesReplaced(rows) {
    const pid = get().selectedPid
    if (pid === null) return
    const here = rows.some((r) => r.pid === pid)
    if (!here && !get().vanished) set({ vanished: true })
    else if (here && get().vanished) set({ vanished: false })
  }
})
