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
  const system = systemErrorData(err)
  if (system) return system
  const message = err instanceof Error ? err.message : String(err)
  return { code: 'INTERNAL', message, remedy: 'This is a bug in Icebox; please report it.' }
}

/** What a failed file-system call was doing, in words (Node's `syscall` field). */
const DOING: Record<string, string> = {
  open: 'open',
  scandir: 'list the directory',
  opendir: 'list the directory',
  mkdir: 'create the directory',
  rename: 'move',
  unlink: 'remove',
  rmdir: 'remove the directory',
  stat: 'look at',
  lstat: 'look at',
  access: 'use',
  copyfile: 'copy',
  write: 'write to',
  read: 'read'
}

/**
 * A file-system error of the machine, not of Icebox (a directory it may not read, a path that
 * does not exist, a full disk), said as such. Null for anything else.
 */
function systemErrorData(err: unknown): AppErrorData | null {
  if (!(err instanceof Error)) return null
  const { code, syscall, path } = err as Error & {
    code?: unknown
    syscall?: unknown
    path?: unknown
  }
  if (typeof code !== 'string' || typeof path !== 'string') return null
  const doing = (typeof syscall === 'string' && DOING[syscall]) || 'use'
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return {
        code: 'PERMISSION_DENIED',
        message: `Icebox was not allowed to ${doing} ${path}.`,
        why: `The system refused it (${code}): it belongs to another user, or its permissions do not allow it.`,
        remedy: `Check who owns ${path} and its permissions, or run Icebox as a user who may use it.`
      }
    case 'ENOENT':
    case 'ENOTDIR':
      return {
        code: 'BAD_INPUT',
        message: `Icebox could not ${doing} ${path}: it does not exist.`,
        remedy: 'Check the path (a file or directory given on the command line, or the store).'
      }
    case 'ENOSPC':
    case 'EDQUOT':
      return {
        code: 'NO_SPACE',
        message: `There is no space left for ${path}.`,
        why: 'Its file system is full (or your quota on it is used up).',
        remedy: 'Free some space there (for example delete old snapshots), then try again.'
      }
    case 'EROFS':
      return {
        code: 'PERMISSION_DENIED',
        message: `Icebox could not ${doing} ${path}: it is on a read-only file system.`,
        remedy: 'Use a store on a writable file system (--store DIR).'
      }
    default:
      return null
  }
}

/** Formats an error for a terminal: three short lines a person can act on. */
export function formatError(e: AppErrorData): string {
  // Messages quote untrusted text (a process's name, a path), and this goes to a terminal.
  const lines = [`error: ${maskControls(e.message)}`]
  if (e.why) lines.push(`  why: ${maskControls(e.why, true)}`)
  if (e.remedy) lines.push(`  what to do: ${maskControls(e.remedy, true)}`)
  return lines.join('\n')
}
