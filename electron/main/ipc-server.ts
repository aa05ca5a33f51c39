/**
 * Binds every contract method to ipcMain.handle through the shared dispatcher, after the sender
 * check, and forwards events to the window on one channel.
 */
import { ipcMain, type BrowserWindow } from 'electron'

import type { EventPayload } from '../common/contract'
import type { Dispatch } from '../common/dispatch'
import { CHANNEL_PREFIX, EVENT_CHANNEL, METHOD_NAMES, type EventName } from '../common/names'
import { untrustedReason } from './trusted-senders'

/** Registers the handlers; returns the event sender for this window. */
export function serveIpc(
  win: BrowserWindow,
  dispatch: Dispatch
): <E extends EventName>(name: E, payload: EventPayload<E>) => void {
  const trusted = new Set([win.webContents.id])
  for (const method of METHOD_NAMES) {
    ipcMain.handle(CHANNEL_PREFIX + method, async (e, raw: unknown) => {
      const why = untrustedReason(e, trusted)
      if (why) {
        console.warn(`icebox: refused IPC ${method}: ${why}`)
        return {
          ok: false,
          error: { code: 'PERMISSION_DENIED', message: 'Refused a call from an unknown page.' }
        }
      }
      return dispatch(method, raw, { transport: 'ipc' })
    })
  }
  return (name, payload) => {
    if (!win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, { name, payload })
  }
}
