/** Shared pieces of the helper tests: direct helper runs, user workloads, store paths. */
import { spawnSync } from 'node:child_process'
import { chmodSync, chownSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

import { HELPER_PATH, STORE_ROOT } from '../../../electron/core/privilege/protocol'
import { start, workloadPath, type Workload } from '../../support/workloads'

export interface HelperRun {
  status: number | null
  json: {
    ok: boolean
    result?: Record<string, unknown>
    error?: { code: string; message: string; why?: string }
  }
  stdout: string
  stderr: string
}

/**
 * Runs the installed helper directly as root, the way pkexec would (PKEXEC_UID set, request on
 * stdin) but without polkit: fast, for the many refusal cases.
 */
export function helperAsRoot(
  args: string[],
  request: string | Buffer,
  opts: { uid?: number | null; env?: Record<string, string>; wrap?: string[] } = {}
): HelperRun {
  const env: Record<string, string> = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', ...opts.env }
  if (opts.uid !== null && opts.uid !== undefined) env.PKEXEC_UID = String(opts.uid)
  const wrap = opts.wrap ?? []
  const cmd = wrap.length > 0 ? (wrap[0] as string) : HELPER_PATH
  const argv = wrap.length > 0 ? [...wrap.slice(1), HELPER_PATH, ...args] : args
  const r = spawnSync(cmd, argv, {
    input: request,
    encoding: 'utf8',
    env,
    cwd: '/',
    timeout: 120_000
  })
  return { status: r.status, json: parseLast(r.stdout), stdout: r.stdout, stderr: r.stderr }
}

export function parseLast(stdout: string): HelperRun['json'] {
  try {
    return JSON.parse(stdout.trim().split('\n').pop() ?? '') as HelperRun['json']
  } catch {
    return { ok: false, error: { code: 'NO_JSON', message: stdout } }
  }
}

/** A directory the test user owns (for state files). */
export function userTempDir(uid: number, gid: number): string {
  const dir = mkdtempSync('/tmp/icebox-helper-test-')
  chownSync(dir, uid, gid)
  chmodSync(dir, 0o755)
  return dir
}

export interface UserCounter {
  /** The counter process (not runuser). */
  pid: number
  startTicks: number
  stateFile: string
  runuser: Workload
}

/** Starts the in-memory counter as `user` (a session leader with stdio on /dev/null). */
/** helper-counter as `user`; `memfdMib` > 0 adds an unmapped memfd of that size (see the .c). */
export async function startCounterAs(
  user: string,
  dir: string,
  threads = 0,
  memfdMib = 0
): Promise<UserCounter> {
  const stateFile = join(dir, `counter-${Date.now()}`)
  const w = await start(
    'runuser',
    [
      '-u',
      user,
      '--',
      workloadPath('helper-counter'),
      stateFile,
      String(threads),
      String(memfdMib)
    ],
    {
      ready: /^ready [0-9]+/
    }
  )
  const line = w.lines.find((l) => /^ready /.test(l)) as string
  const pid = Number(line.split(' ')[1])
  return { pid, startTicks: startTicksOf(pid), stateFile, runuser: w }
}

export function startTicksOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19])
}

/** The counter value (the workload replaces the file by rename; an empty read is still retried). */
export function readCounter(file: string): number {
  for (let i = 0; i < 1000; i++) {
    const text = readFileSync(file, 'utf8').trim()
    if (text !== '') return Number(text)
  }
  throw new Error(`${file} stayed empty`)
}

export function dumpRequest(
  pid: number,
  startTicks: number,
  extra: Record<string, unknown> = {}
): string {
  return JSON.stringify({ op: 'dump', pid, startTicks, ...extra })
}

export function snapshotDir(uid: number, id: string): string {
  return join(STORE_ROOT, 'images', String(uid), id)
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** SIGKILLs a pid if it still exists. */
export function killPid(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    // gone
  }
}

/** Bytes of every snapshot `uid` has in the system store (what the helper's quota counts). */
export function storedBytes(uid: number): number {
  const mine = join(STORE_ROOT, 'images', String(uid))
  let used = 0
  for (const id of readdirSync(mine)) {
    for (const f of readdirSync(join(mine, id))) used += statSync(join(mine, id, f)).size
  }
  return used
}
