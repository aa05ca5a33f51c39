/**
 * Transport over the `icebox serve` WebSocket: JSON frames `{t:'call',id,method,input}` →
 * `{t:'result',id,result}` and `{t:'event',name,payload}`. Reconnects after a drop; calls made
 * while disconnected fail fast with UNAVAILABLE instead of hanging. Process rows arrive packed
 * (common/row-codec) and are unpacked here, so the Api sees plain rows.
 */
import type { Result, Transport } from '../../../electron/common/contract'
import type { EventName } from '../../../electron/common/names'
import { unpackFromWire } from '../../../electron/common/row-codec'

const CALL_TIMEOUT_MS = 120_000

function unavailable(why: string): Result<never> {
  return {
    ok: false,
    error: {
      code: 'UNAVAILABLE',
      message: 'Lost the connection to icebox serve.',
      why,
      remedy: 'Check that `icebox serve` is still running, then reload the page.'
    }
  }
}

/** Opens the WebSocket at `url` (ws://host/rpc?token=…). */
export function createWsTransport(url: string, onStatus?: (connected: boolean) => void): Transport {
  const pending = new Map<number, { method: string; resolve: (r: Result<unknown>) => void }>()
  const listeners = new Map<EventName, Set<(p: unknown) => void>>()
  let nextId = 1
  let ws: WebSocket
  let ready: Promise<void>
  let retryMs = 250

  const connect = (): void => {
    ws = new WebSocket(url)
    ready = new Promise((resolve, reject) => {
      ws.addEventListener('open', () => {
        retryMs = 250
        performance.mark('icebox:ws-open')
        onStatus?.(true)
        resolve()
      })
      ws.addEventListener('error', () => reject(new Error('connection failed')))
    })
    ready.catch(() => {})
    ws.addEventListener('message', (e: MessageEvent<string>) => {
      let frame: {
        t?: string
        id?: number
        result?: Result<unknown>
        name?: EventName
        payload?: unknown
      }
      try {
        frame = JSON.parse(e.data) as typeof frame
      } catch {
        return
      }
      if (frame.t === 'result' && typeof frame.id === 'number') {
        const call = pending.get(frame.id)
        pending.delete(frame.id)
        const r = frame.result ?? unavailable('empty reply')
        call?.resolve(r.ok ? { ok: true, value: unpackFromWire(call.method, r.value) } : r)
      } else if (frame.t === 'event' && frame.name) {
        const payload = unpackFromWire(frame.name, frame.payload)
        for (const l of listeners.get(frame.name) ?? []) l(payload)
      }
    })
    ws.addEventListener('close', () => {
      onStatus?.(false)
      for (const [, call] of pending) call.resolve(unavailable('The connection closed.'))
      pending.clear()
      setTimeout(connect, retryMs)
      retryMs = Math.min(retryMs * 2, 5000)
    })
  }
  connect()

  return {
    async invoke(method, input) {
      try {
        await ready
      } catch {
        return unavailable('Could not connect.')
      }
      if (ws.readyState !== WebSocket.OPEN) return unavailable('Not connected.')
      const id = nextId++
      return new Promise<Result<unknown>>((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(id)
          resolve(unavailable(`No answer to ${method} within ${CALL_TIMEOUT_MS / 1000} s.`))
        }, CALL_TIMEOUT_MS)
        pending.set(id, {
          method,
          resolve: (r) => {
            clearTimeout(timer)
            resolve(r)
          }
        })
        ws.send(JSON.stringify({ t: 'call', id, method, input }))
      })
    },
    subscribe(name, listener) {
      const set = listeners.get(name) ?? new Set()
      listeners.set(name, set)
      set.add(listener)
      return () => set.delete(listener)
    }
  }
}
