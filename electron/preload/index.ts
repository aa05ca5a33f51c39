/**
 * The sandboxed preload: exposes `window.icebox` with one function per contract method and a
 * `subscribe(event, listener)` that drops the IpcRendererEvent (checklist #20). It imports only
 * names.ts, holds no logic and never exposes ipcRenderer itself.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'

import {
  CHANNEL_PREFIX,
  EVENT_CHANNEL,
  METHOD_NAMES,
  isEventName,
  isMethodName
} from '../common/names'

type Listener = (payload: unknown) => void

const listeners = new Map<string, Set<Listener>>()

ipcRenderer.on(EVENT_CHANNEL, (_e: IpcRendererEvent, message: unknown) => {
  if (typeof message !== 'object' || message === null) return
  const { name, payload } = message as { name?: unknown; payload?: unknown }
  if (!isEventName(name)) return
  for (const l of listeners.get(name) ?? []) l(payload)
})

const methods = Object.fromEntries(
  METHOD_NAMES.map((m) => [m, (input: unknown) => ipcRenderer.invoke(CHANNEL_PREFIX + m, input)])
)

contextBridge.exposeInMainWorld(
  'icebox',
  Object.freeze({
    // The raw Transport shape the renderer's client expects.
    invoke(method: unknown, input: unknown): Promise<unknown> {
      if (!isMethodName(method)) return Promise.reject(new Error('unknown method'))
      return ipcRenderer.invoke(CHANNEL_PREFIX + method, input)
    },
    subscribe(name: unknown, listener: Listener): () => void {
      if (!isEventName(name) || typeof listener !== 'function') return () => {}
      const set = listeners.get(name) ?? new Set<Listener>()
      listeners.set(name, set)
      set.add(listener)
      return () => set.delete(listener)
    },
    methods: Object.freeze(methods)
  })
)
