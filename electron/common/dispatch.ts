/**
 * The server side of the contract, shared by every transport (Electron IPC, WebSocket, tests).
 *
 * The method name is looked up as an own property of the contract (no prototype tricks), the
 * input is parsed with the method's schema, the handler runs, and the outcome is wrapped in a
 * Result so errors cross the boundary as data with a stable code.
 */
import { contract, type CallContext, type Handlers, type Result } from './contract'
import { toErrorData } from './errors'
import type { MethodName } from './names'

/** Calls one method with untrusted input and returns a Result (never throws). */
export type Dispatch = (
  method: unknown,
  input: unknown,
  ctx: CallContext
) => Promise<Result<unknown>>

/**
 * Creates the dispatcher for a set of handlers.
 *
 * `onInternalError` sees unexpected exceptions (not AppError) with their stack, for logging.
 */
export function createDispatcher(
  handlers: Handlers,
  onInternalError: (method: string, err: unknown) => void = () => {}
): Dispatch {
  return async (method, input, ctx) => {
    if (typeof method !== 'string' || !Object.hasOwn(contract.methods, method)) {
      return {
        ok: false,
        error: {
          code: 'UNKNOWN_METHOD',
          message: `Unknown method ${JSON.stringify(String(method)).slice(0, 80)}.`,
          remedy: 'The UI and the core are out of step; restart Icebox.'
        }
      }
    }
    const name = method as MethodName
    const parsed = contract.methods[name].input.safeParse(input)
    if (!parsed.success) {
      const issues = parsed.error.issues
        .map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`)
        .join('; ')
      return {
        ok: false,
        error: {
          code: 'BAD_INPUT',
          message: `Invalid input for ${name}.`,
          why: issues,
          remedy: 'This is a bug in the caller; please report it.'
        }
      }
    }
    try {
      const handler = handlers[name] as (i: unknown, c: CallContext) => Promise<unknown>
      const value = await handler(parsed.data, ctx)
      return { ok: true, value }
    } catch (err) {
      const error = toErrorData(err)
      if (error.code === 'INTERNAL') onInternalError(name, err)
      return { ok: false, error }
    }
  }
}
