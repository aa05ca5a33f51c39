/**
 * Choosing how Icebox reaches CRIU: directly when it runs as root ("Mode R"), otherwise through
 * the polkit helper ("Mode U": pkexec runs /usr/libexec/icebox/icebox-helper as root, which runs
 * CRIU as the user). See docs/security-model.md, decisions 1 and 2.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'

import { AppError, type AppErrorCode } from '../../common/errors'
import {
  HELPER_PATH,
  PKEXEC_PATH,
  type DeleteResult,
  type DumpResult,
  type HelperOp,
  type HelperRequest,
  type HelperResponse,
  type RestoreResult
} from './protocol'

export type PrivilegePath = 'root' | 'helper'

/** Root runs CRIU itself; everyone else goes through the helper. */
export function choosePrivilegePath(euid: number = process.geteuid?.() ?? -1): PrivilegePath {
  return euid === 0 ? 'root' : 'helper'
}

export interface RunHelperOptions {
  /** For tests: another pkexec (e.g. none, to drive an installed helper directly as root). */
  pkexecPath?: string
  helperPath?: string
  /** Give up (and kill pkexec) after this long; default 15 minutes. */
  timeoutMs?: number
  signal?: AbortSignal
}

type ResultFor<O extends HelperOp> = O extends 'dump'
  ? DumpResult
  : O extends 'restore'
    ? RestoreResult
    : DeleteResult

const INSTALL_HINT =
  'Ask an administrator to run "sudo icebox install-helper" (and to install the pkexec and polkitd packages).'

/** Maps pkexec's own exit codes (the helper never uses 126/127). */
export function pkexecExitError(code: number | null): AppError | null {
  if (code === 126) {
    return new AppError({
      code: 'AUTH_DISMISSED',
      message: 'Authentication was dismissed.',
      why: 'The password dialog was closed or cancelled.',
      remedy: 'Try again and enter the password when asked.'
    })
  }
  if (code === 127) {
    return new AppError({
      code: 'NOT_AUTHORIZED',
      message: 'Not authorised, or no authentication agent is running.',
      why: 'polkit refused the request, or there was no agent to ask for the password (e.g. over SSH).',
      remedy:
        'Run it from a desktop session with a polkit agent, or ask the administrator for a polkit rule (see 50-icebox-example.rules.disabled).'
    })
  }
  return null
}

/** Turns the helper's stdout into its result, or throws the error it reported. */
export function parseHelperOutput(stdout: string, exitCode: number | null): unknown {
  const line = stdout.trim().split('\n').pop() ?? ''
  let resp: HelperResponse
  try {
    resp = JSON.parse(line) as HelperResponse
  } catch {
    throw (
      pkexecExitError(exitCode) ??
      new AppError({
        code: 'INTERNAL',
        message: 'The Icebox helper gave no answer.',
        why: `It exited with code ${String(exitCode)}.`,
        remedy: INSTALL_HINT,
        detail: stdout.slice(-500)
      })
    )
  }
  if (resp.ok) return resp.result
  const e = resp.error
  throw new AppError({
    code: e.code as AppErrorCode,
    message: e.message,
    ...(e.why !== undefined && { why: e.why }),
    ...(e.remedy !== undefined && { remedy: e.remedy }),
    ...(e.detail !== undefined && { detail: e.detail })
  })
}

/**
 * Runs one helper operation through pkexec: argv array, no shell, the request on stdin.
 * Throws AUTH_DISMISSED, NOT_AUTHORIZED, HELPER_MISSING or the error the helper reported.
 */
export function runHelper<O extends HelperOp>(
  op: O,
  request: HelperRequest & { op: O },
  opts: RunHelperOptions = {}
): Promise<ResultFor<O>> {
  const pkexec = opts.pkexecPath ?? PKEXEC_PATH
  const helper = opts.helperPath ?? HELPER_PATH
  if (!existsSync(pkexec) || !existsSync(helper)) {
    return Promise.reject(
      new AppError({
        code: 'HELPER_MISSING',
        message: `The Icebox helper is not installed (${existsSync(pkexec) ? helper : pkexec} is missing).`,
        why: 'Without root, Icebox freezes your processes through a small helper started by pkexec.',
        remedy: INSTALL_HINT
      })
    )
  }
  const file = opts.pkexecPath === '' ? helper : pkexec
  const args = opts.pkexecPath === '' ? [op] : ['--disable-internal-agent', helper, op]
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      shell: false,
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' },
      ...(opts.signal && { signal: opts.signal })
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-2000)))
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 15 * 60_000)
    child.on('error', (e) => {
      clearTimeout(timer)
      reject(
        (e as NodeJS.ErrnoException).name === 'AbortError'
          ? new AppError({ code: 'CANCELLED', message: 'Cancelled.' })
          : e
      )
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      try {
        resolve(parseHelperOutput(stdout, code) as ResultFor<O>)
      } catch (e) {
        if (e instanceof AppError && e.detail === undefined && stderr && e.code === 'INTERNAL') {
          reject(new AppError({ ...e.toJSON(), detail: stderr }))
        } else reject(e)
      }
    })
    child.stdin.on('error', () => undefined)
    child.stdin.end(JSON.stringify(request))
  })
}
