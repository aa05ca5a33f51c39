/**
 * The one window, with locked-down webPreferences and navigation guards (checklist #2–#5,
 * #11–#14).
 */
import { join } from 'node:path'

import { BrowserWindow, session, shell } from 'electron'

import { APP_ORIGIN } from './trusted-senders'

/** Only these https pages may be opened, and only in the system browser (#15). */
const EXTERNAL_ALLOW = ['https://criu.org/']

/** Creates the main window and loads app://icebox/index.html. */
export function createMainWindow(preloadPath: string): BrowserWindow {
  // #5: the app needs no web permissions.
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false))
  session.defaultSession.setPermissionCheckHandler(() => false)

  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Icebox',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true, // #3
      sandbox: true, // #4
      nodeIntegration: false, // #2
      webviewTag: false, // #11
      webSecurity: true, // #6
      allowRunningInsecureContent: false, // #8
      experimentalFeatures: false, // #9
      spellcheck: false
    }
  })
  const wc = win.webContents
  // #13: no navigation away from the app.
  wc.on('will-navigate', (e, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) e.preventDefault()
  })
  wc.on('will-redirect', (e, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) e.preventDefault()
  })
  // #12: no webviews.
  wc.on('will-attach-webview', (e) => e.preventDefault())
  // #14: no new windows; allow-listed docs open in the browser.
  wc.setWindowOpenHandler(({ url }) => {
    if (EXTERNAL_ALLOW.some((p) => url.startsWith(p))) void shell.openExternal(url)
    return { action: 'deny' }
  })
  win.once('ready-to-show', () => win.show())
  void win.loadURL(`${APP_ORIGIN}/index.html`)
  return win
}

/** Paths of the bundled files next to dist/electron/main.cjs. */
export function bundledPaths(mainDir: string): {
  preload: string
  renderer: string
  worker: string
} {
  return {
    preload: join(mainDir, 'preload.cjs'),
    renderer: join(mainDir, '..', 'renderer'),
    worker: join(mainDir, 'scan-worker.cjs')
  }
}
