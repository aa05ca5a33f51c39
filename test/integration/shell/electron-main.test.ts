/**
 * The Electron shell as built (dist/electron/main.cjs and preload.cjs) against a stand-in for
 * the `electron` module: the Electron binary cannot be downloaded on these machines, so this is
 * how the shell's own code runs here. The stand-in records what the shell asks of Electron
 * (window options, protocol handler, IPC handlers, menu, notifications) and routes the preload's
 * ipcRenderer to main's ipcMain handlers the way Electron does, with a sender frame. Behind it
 * everything is real: the core's handlers, the scan worker, /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { existsSync, readFileSync } from 'node:fs'
import Module, { createRequire } from 'node:module'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'

import type { JobFinished, ProcessesChanged, ProcessList } from '../../../electron/common/api-types'
import { EVENT_CHANNEL } from '../../../electron/common/names'

const DIST = join(import.meta.dirname, '..', '..', '..', 'dist')
const MAIN = join(DIST, 'electron', 'main.cjs')
const PRELOAD = join(DIST, 'electron', 'preload.cjs')
const requireCjs = createRequire(import.meta.url)

type Handler = (e: unknown, input: unknown) => Promise<unknown>
type Result<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } }
interface MenuItem {
  label?: string
  role?: string
  submenu?: MenuItem[]
  click?: () => void
}

class StandInWebContents extends EventEmitter {
  readonly id = 7
  readonly sent: Array<{ channel: string; message: unknown }> = []
  openHandler: ((d: { url: string }) => { action: string }) | null = null
  /** Listeners the preload registered on ipcRenderer, by channel. */
  readonly rendererListeners = new Map<string, Array<(e: unknown, m: unknown) => void>>()
  send(channel: string, message: unknown): void {
    this.sent.push({ channel, message })
    for (const l of this.rendererListeners.get(channel) ?? []) l({}, message)
  }
  setWindowOpenHandler(h: (d: { url: string }) => { action: string }): void {
    this.openHandler = h
  }
}

class StandInWindow extends EventEmitter {
  static readonly made: StandInWindow[] = []
  readonly webContents = new StandInWebContents()
  loadedUrl = ''
  constructor(readonly options: { webPreferences: Record<string, unknown> }) {
    super()
    StandInWindow.made.push(this)
  }
  loadURL(url: string): Promise<void> {
    this.loadedUrl = url
    return Promise.resolve()
  }
  isDestroyed(): boolean {
    return false
  }
  isMinimized(): boolean {
    return false
  }
  restore(): void {}
  focus(): void {}
  show(): void {}
}

const ipcHandlers = new Map<string, Handler>()
const protocolHandlers = new Map<string, (r: { url: string }) => Promise<Response>>()
const privilegedSchemes: unknown[] = []
const exposed: Record<string, unknown> = {}
let permissionRequest: ((wc: unknown, p: string, cb: (ok: boolean) => void) => void) | null = null
let permissionCheck: (() => boolean) | null = null
let menu: MenuItem[] = []
const notifications: Array<{ title: string; body: string }> = []
let singleInstance = true

const app = Object.assign(new EventEmitter(), {
  requestSingleInstanceLock: () => singleInstance,
  quit: vi.fn(),
  whenReady: () => Promise.resolve(),
  getVersion: () => '0.0.0-test'
})

/** The frame Electron reports for a call from the window's page. */
const appFrame = { url: 'app://icebox/index.html', parent: null }

const electron = {
  app,
  BrowserWindow: StandInWindow,
  protocol: {
    registerSchemesAsPrivileged: (s: unknown[]) => privilegedSchemes.push(...s),
    handle: (scheme: string, h: (r: { url: string }) => Promise<Response>) =>
      protocolHandlers.set(scheme, h)
  },
  session: {
    defaultSession: {
      setPermissionRequestHandler: (h: typeof permissionRequest) => (permissionRequest = h),
      setPermissionCheckHandler: (h: typeof permissionCheck) => (permissionCheck = h)
    }
  },
  shell: { openExternal: vi.fn(() => Promise.resolve()) },
  ipcMain: { handle: (channel: string, h: Handler) => ipcHandlers.set(channel, h) },
  Menu: {
    buildFromTemplate: (t: MenuItem[]) => t,
    setApplicationMenu: (m: MenuItem[]) => (menu = m)
  },
  Notification: class {
    static isSupported(): boolean {
      return true
    }
    constructor(private readonly o: { title: string; body: string }) {}
    show(): void {
      notifications.push(this.o)
    }
  },
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api)
  },
  ipcRenderer: {
    invoke: (channel: string, input: unknown): Promise<unknown> => {
      const h = ipcHandlers.get(channel)
      if (!h) return Promise.reject(new Error(`No handler registered for '${channel}'`))
      return h({ sender: window().webContents, senderFrame: appFrame }, input)
    },
    on: (channel: string, l: (e: unknown, m: unknown) => void) => {
      const wc = window().webContents
      wc.rendererListeners.set(channel, [...(wc.rendererListeners.get(channel) ?? []), l])
    }
  }
}

function window(): StandInWindow {
  const w = StandInWindow.made[0]
  if (!w) throw new Error('the shell made no window')
  return w
}

/** Loads a built bundle with `require('electron')` answered by the stand-in. */
function loadWithStandIn(path: string): void {
  const loader = Module as unknown as { _load: (r: string, ...rest: unknown[]) => unknown }
  const original = loader._load
  loader._load = function (request: string, ...rest: unknown[]) {
    return request === 'electron' ? electron : original.call(this, request, ...rest)
  }
  try {
    delete requireCjs.cache[path]
    requireCjs(path)
  } finally {
    loader._load = original
  }
}

interface IceboxApi {
  invoke(method: string, input: unknown): Promise<Result<unknown>>
  subscribe(name: string, l: (payload: unknown) => void): () => void
}

async function until<T>(what: string, get: () => T | undefined, ms = 30_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = get()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

const children: ChildProcess[] = []

beforeAll(async () => {
  for (const f of [MAIN, PRELOAD]) {
    if (!existsSync(f)) throw new Error(`${f} is missing: run npm run build first`)
  }
  loadWithStandIn(MAIN)
  await until('the window', () => StandInWindow.made[0])
  await until('the IPC handlers', () => (ipcHandlers.size > 0 ? true : undefined))
  loadWithStandIn(PRELOAD)
})

afterAll(() => {
  for (const c of children) c.kill('SIGKILL')
  // The shell stops its scan worker and quits when its window is gone.
  app.emit('window-all-closed')
})

describe('the Electron shell, run against a stand-in electron module', () => {
  it('makes one locked-down window that loads app://icebox/index.html', () => {
    expect(StandInWindow.made).toHaveLength(1)
    expect(window().options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      webSecurity: true,
      preload: PRELOAD
    })
    expect(window().loadedUrl).toBe('app://icebox/index.html')
    const granted = vi.fn()
    permissionRequest?.({}, 'media', granted)
    expect(granted).toHaveBeenCalledWith(false)
    expect(permissionCheck?.()).toBe(false)
    expect(privilegedSchemes).toMatchObject([{ scheme: 'app', privileges: { secure: true } }])
  })

  it('serves the built renderer on app://icebox with its CSP, and nothing outside it', async () => {
    const serve = protocolHandlers.get('app')!
    const page = await serve({ url: 'app://icebox/index.html' })
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'")
    expect(await page.text()).toBe(readFileSync(join(DIST, 'renderer', 'index.html'), 'utf8'))
    expect((await serve({ url: 'app://icebox/..%2f..%2fpackage.json' })).status).toBe(403)
    expect((await serve({ url: 'app://other/index.html' })).status).toBe(404)
    expect((await serve({ url: 'app://icebox/no-such-file.js' })).status).toBe(404)
  })

  it('blocks navigation, redirects, webviews and new windows', () => {
    const wc = window().webContents
    const attempt = (event: string, url?: string): boolean => {
      const e = { preventDefault: vi.fn() }
      wc.emit(event, e, url)
      return e.preventDefault.mock.calls.length > 0
    }
    expect(attempt('will-navigate', 'https://example.com/')).toBe(true)
    expect(attempt('will-redirect', 'file:///etc/passwd')).toBe(true)
    expect(attempt('will-navigate', 'app://icebox/index.html')).toBe(false)
    expect(attempt('will-attach-webview')).toBe(true)
    expect(wc.openHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' })
    expect(electron.shell.openExternal).not.toHaveBeenCalled()
    expect(wc.openHandler?.({ url: 'https://criu.org/Main_Page' })).toEqual({ action: 'deny' })
    expect(electron.shell.openExternal).toHaveBeenCalledWith('https://criu.org/Main_Page')
  })

  it("answers the preload's window.icebox with the real core, and bad input as an error", async () => {
    const icebox = exposed.icebox as IceboxApi
    const list = (await icebox.invoke('processes.list', {})) as Result<ProcessList>
    expect(list.ok).toBe(true)
    if (!list.ok) return
    expect(list.value.rows.map((r) => r.pid)).toContain(process.pid)
    const bad = await icebox.invoke('processes.inspect', { pid: 'one' })
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
    await expect(icebox.invoke('shell.exec', {})).rejects.toThrow('unknown method')
  })

  it('refuses IPC from another page, a subframe or another WebContents', async () => {
    const call = ipcHandlers.get('icebox:system.info')!
    const wc = window().webContents
    for (const e of [
      { sender: wc, senderFrame: { url: 'https://evil.example/', parent: null } },
      { sender: wc, senderFrame: { url: 'app://icebox/index.html', parent: {} } },
      { sender: { id: wc.id + 1 }, senderFrame: appFrame }
    ]) {
      expect(await call(e, {})).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } })
    }
    expect(await call({ sender: wc, senderFrame: appFrame }, {})).toMatchObject({ ok: true })
  })

  it("pushes the scan worker's change sets to the window, through the preload", async () => {
    const icebox = exposed.icebox as IceboxApi
    const seen: ProcessesChanged[] = []
    icebox.subscribe('processes.changed', (c) => seen.push(c as ProcessesChanged))
    const watch = await icebox.invoke('processes.watch', { intervalMs: 500, paused: false })
    expect(watch).toMatchObject({ ok: true, value: { watching: true } })
    // Once the worker holds a list (its first change set is out), start a process: a later
    // change set names it.
    await until('a first change set', () => seen[0])
    const child = spawn('sleep', ['60'], { stdio: 'ignore' })
    children.push(child)
    const pid = child.pid!
    const change = await until('a change set naming the new process', () =>
      seen.find((c) => c.upserted.some((r) => r.pid === pid))
    )
    expect(change.upserted.find((r) => r.pid === pid)?.name).toBe('sleep')
    expect(
      window().webContents.sent.some(
        (s) =>
          s.channel === EVENT_CHANNEL &&
          (s.message as { name: string }).name === 'processes.changed'
      )
    ).toBe(true)
  })

  it("sends the menu's commands to the window as ui.command events", () => {
    const processMenu = menu.find((m) => m.label === 'Process')
    const freeze = processMenu?.submenu?.find((i) => i.label?.startsWith('Freeze'))
    expect(freeze?.click).toBeTypeOf('function')
    freeze!.click!()
    expect(window().webContents.sent.at(-1)).toEqual({
      channel: EVENT_CHANNEL,
      message: { name: 'ui.command', payload: { id: 'freeze' } }
    })
  })

  it('shows a desktop notification when a freeze finishes (real CRIU)', async () => {
    const icebox = exposed.icebox as IceboxApi
    const finished: JobFinished[] = []
    icebox.subscribe('job.finished', (f) => finished.push(f as JobFinished))
    // Its own session, stdio on /dev/null: nothing that needs an option.
    const child = spawn('sleep', ['60'], { stdio: 'ignore', detached: true })
    children.push(child)
    await new Promise((r) => setTimeout(r, 200))
    const options = {
      leaveRunning: true,
      tcp: 'none',
      extUnixSockets: false,
      fileLocks: false,
      shellJob: false,
      linkRemap: false
    }
    const started = await icebox.invoke('freeze.start', { pid: child.pid, options })
    expect(started).toMatchObject({ ok: true })
    const done = await until('the freeze to finish', () => finished[0], 60_000)
    expect(done).toMatchObject({ kind: 'freeze', ok: true })
    expect(notifications).toEqual([
      { title: 'Freeze finished', body: `Saved snapshot ${done.snapshotId}.` }
    ])
    expect(await icebox.invoke('snapshots.delete', { id: done.snapshotId })).toMatchObject({
      ok: true,
      value: { deleted: true }
    })
  })

  it('quits a second instance at once, making no window', () => {
    singleInstance = false
    loadWithStandIn(MAIN)
    expect(app.quit).toHaveBeenCalledTimes(1)
    expect(StandInWindow.made).toHaveLength(1)
  })
})
