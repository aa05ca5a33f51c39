/**
 * The client side of the contract: a typed Api over any Transport.
 *
 * Each method unwraps the Result envelope and throws an AppError (with its code, why and
 * remedy) on failure, so feature code handles errors with try/catch and a code switch.
 */
import type { Api, EventPayload, Transport } from './contract'
import { AppError } from './errors'
import { METHOD_NAMES, type EventName, type MethodName } from './names'

/** Builds the typed Api from a transport (preload object, WebSocket, in-memory pair). */
export function createApi(transport: Transport): Api {
  const api: Record<string, unknown> = {
    subscribe<E extends EventName>(name: E, listener: (p: EventPayload<E>) => void) {
      return transport.subscribe(name, (p) => listener(p as EventPayload<E>))
    }
  }
  for (const method of METHOD_NAMES) {
    api[method] = (input?: unknown) => call(transport, method, input)
  }
  return api as Api
}

async function call(transport: Transport, method: MethodName, input: unknown): Promise<unknown> {
  const result = await transport.invoke(method, input)
  if (result.ok) return result.value
  throw new AppError(result.error)
}
