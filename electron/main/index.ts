/**
 * Electron main: lifecycle only. Single instance, app:// scheme, the locked-down window, the
 * contract over IPC (the same handlers as `icebox serve`), scanning in a worker, notifications
 * and the app menu.
 */
import { app, type BrowserWindow } from 'electron'

import { createDispatcher } from '../common/dispatch'
import type { EmitEvent } from '../common/contract'
import { createCoreDeps } from '../server/core-deps'
import { createHandlers } from '../server/handlers'
import { handleAppProtocol, registerAppScheme } from './app-protocol'
import { serveIpc } from './ipc-server'
import { installMenu } from './menu'
import { notifyJobFinished } from './notify'
import { startScanner, type Scanner } from './scanner'
import { bundledPaths, createMainWindow } from './window'

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  registerAppScheme()
  let win: BrowserWindow | null = null
  let scanner: Scanner | null = null

  app.on('second-instance', () => {
    if (win) {
      if (win.isMinimized()) win.restore()
      win.focus()
    }
  })

  void app.whenReady().then(() => {
    const paths = bundledPaths(__dirname)
    handleAppProtocol(paths.renderer)
    win = createMainWindow(paths.preload)
    let send: EmitEvent = () => {}
    const emit: EmitEvent = (name, payload) => {
      send(name, payload)
      if (name === 'job.finished')
        notifyJobFinished(payload as Parameters<typeof notifyJobFinished>[0])
    }
    const handlers = createHandlers(createCoreDeps({ iceboxVersion: app.getVersion() }), emit)
    scanner = startScanner(paths.worker, (c) => emit('processes.changed', c))
    const scanInMain = handlers['processes.list']
    // The list comes from the worker; the main thread scans only before the first result (the
    // window then gets a change set whose `since` differs from its list, and fetches again).
    handlers['processes.list'] = async (input, ctx) => scanner?.latest() ?? scanInMain(input, ctx)
    // The window is the worker's only client: its interval and pause drive the worker.
    handlers['processes.watch'] = async ({ intervalMs, paused, scanNow }) => {
      scanner?.configure(intervalMs, paused)
      if (scanNow) scanner?.scanNow()
      return { watching: !paused }
    }
    send = serveIpc(
      win,
      createDispatcher(handlers, (m, err) => console.error(`icebox: ${m} failed`, err))
    )
    installMenu((id) => emit('ui.command', { id }))
    win.on('closed', () => (win = null))
  })

  app.on('window-all-closed', () => {
    void scanner?.stop()
    app.quit()
  })
}
