/** Which view is shown, the context menu, the System info, and the connection status. */
import type { SystemInfo } from '../../../electron/common/api-types'
import type { AppErrorData } from '../../../electron/common/errors'
import { errorData } from './processes-slice'
import type { SliceCreator } from './types'

export type View = 'processes' | 'snapshots' | 'system'

export interface ContextMenuState {
  x: number
  y: number
  pid: number
}

export interface UiSlice {
  view: View
  menu: ContextMenuState | null
  system: SystemInfo | null
  systemError: AppErrorData | null
  connected: boolean
  setView(v: View): void
  openMenu(m: ContextMenuState | null): void
  loadSystem(): Promise<void>
  setConnected(c: boolean): void
}

export const createUiSlice: SliceCreator<UiSlice> = (api) => (set, get) => ({
  view: 'processes',
  menu: null,
  system: null,
  systemError: null,
  connected: true,
  setView: (view) => set({ view, menu: null }),
  openMenu: (menu) => set({ menu }),
  async loadSystem() {
    try {
      set({ system: await api['system.info'](), systemError: null })
    } catch (err) {
      set({ systemError: errorData(err) })
    }
  },
  setConnected(connected) {
    const was = get().connected
    set({ connected })
    // A new connection has no live list on the core's side: fetch the list and watch again.
    if (connected && !was) {
      void get().refresh()
      if (get().pushing) void get().watch(get().view === 'processes')
    }
  }
})
