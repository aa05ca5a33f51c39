/**
 * An in-memory transport: a dispatcher and an event bus in the same process.
 *
 * Used by unit tests (client ↔ dispatcher ↔ contract round-trips with no Electron or socket) and
 * by the UI benchmark's fake backend. Values are passed through JSON, like the WebSocket, so a
 * test catches anything that would not survive the real transports.
 */
import type { Connection, EmitEvent, Transport } from './contract'
import type { Dispatch } from './dispatch'
import type { EventName } from './names'

export interface MemoryTransport {
  transport: Transport
  /** Delivers an event to the transport's subscribers. */
  emit: EmitEvent
}

/** Creates a transport that calls `dispatch` directly. */
export function createMemoryTransport(dispatch: Dispatch): MemoryTransport {
  const listeners = new Map<EventName, Set<(p: unknown) => void>>()
  const viaJson = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T
  const emit: EmitEvent = (name, payload) => {
    for (const l of listeners.get(name) ?? []) l(viaJson(payload))
  }
  // The one client of this transport, for handlers that push to their caller (processes.watch).
  const connection: Connection = { id: 'memory', emit, onClose: () => {} }
  return {
    transport: {
      async invoke(method, input) {
        return viaJson(
          await dispatch(method, input === undefined ? undefined : viaJson(input), {
            transport: 'memory',
            connection
          })
        )
      },
      subscribe(name, listener) {
        const set = listeners.get(name) ?? new Set()
        listeners.set(name, set)
        set.add(listener)
        return () => set.delete(listener)
      }
    },
    emit
  }
}
