/**
 * Errors that reach a person: what happened, why, and what to do next.
 *
 * They cross every boundary (IPC, WebSocket, CLI --json, helper stdout) as plain data with a
 * stable `code`, so a caller can branch on the code and show the three texts as they are.
 */

import { maskControls } from './control-chars'

export type AppErrorCode =
  | 'BAD_INPUT'
  | 'NO_SUCH_PROCESS'
  | 'PERMISSION_DENIED'
  | 'NOT_FREEZABLE'
  | 'CRIU_MISSING'
  | 'CRIU_TOO_OLD'
  | 'CRIU_FAILED'
  | 'DUMP_FAILED'
  | 'RESTORE_FAILED'
  | 'RESTORE_PREFLIGHT'
  | 'NEEDS_TERMINAL'
  | 'CANCELLED'
  | 'TIMEOUT'
  | 'NO_SPACE'
  | 'SNAPSHOT_NOT_FOUND'
  | 'SNAPSHOT_DAMAGED'
  | 'IMAGE_DAMAGED'
  | 'AUTH_DISMISSED'
  | 'NOT_AUTHORIZED'
  | 'HELPER_MISSING'
  | 'HELPER_REFUSED'
  | 'QUOTA_EXCEEDED'
  | 'UNKNOWN_METHOD'
  | 'UNAVAILABLE'
  | 'INTERNAL'

export interface AppErrorData {
  code: AppErrorCode
  /** What happened, one sentence. */
  message: string
  /** Why it happened, in plain words; may be empty when the message says it all. */
  why?: string
  /** What to do next. */
  remedy?: string
  /** Extra facts for experts: a log excerpt, a pid, a path. */
  detail?: string
}

export class AppError extends Error {
  readonly code: AppErrorCode
  readonly why: string | undefined
  readonly remedy: string | undefined
  readonly detail: string | undefined

  constructor(data: AppErrorData) {
    super(data.message)
    this.name = 'AppError'
    this.code = data.code
    this.why = data.why
    this.remedy = data.remedy
    this.detail = data.detail
  }

  toJSON(): AppErrorData {
    return {
      code: this.code,
      message: this.message,
      ...(this.why !== undefined && { why: this.why }),
      ...(this.remedy !== undefined && { remedy: this.remedy }),
      ...(this.detail !== undefined && { detail: this.detail })
    }
  }
}

/** Turns anything thrown into AppErrorData without losing a known code. */
export function toErrorData(err: unknown): AppErrorData {
  if (err instanceof AppError) return err.toJSON()
  const message = err instanceof Error ? err.message : String(err)
  return { code: 'INTERNAL', message, remedy: 'This is a bug in Icebox; please report it.' }
}

/** Formats an error for a terminal: three short lines a person can act on. */
export function formatError(e: AppErrorData): string {
  // Messages quote untrusted text (a process's name, a path), and this goes to a terminal.
  const lines = [`error: ${maskControls(e.message)}`]
  if (e.why) lines.push(`  why: ${maskControls(e.why, true)}`)
  if (e.remedy) lines.push(`  what to do: ${maskControls(e.remedy, true)}`)
  return lines.join('\n')
}
