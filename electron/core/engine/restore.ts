/**
 * Restore: pre-flight checks in words, then `criu restore -d` with the flags of the dump, then
 * wait until the restored root runs and record the restore in the manifest.
 */
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'

import { AppError } from '../../common/errors'
import type { Manifest, RecordedExe, RecordedFile } from '../../common/snapshot'
import { explainLog, explanationError } from '../criu/explain'
import { criuVersion, findCriu } from '../criu/probe'
import type { CriuProgress } from '../criu/run'
import { readPstreeStrict } from '../images/strict-proto'
import type { SnapshotStore } from '../snapshots/store'
import { fileIdentity, fileSize, readTextFile, isRunning, readPidStat } from './proc'
import { runRestore } from './runner'
import {
  needsTerminal,
  runRestoreInTerminal,
  terminalSession,
  type TerminalSession
} from './terminal'

export interface RestoreProblem {
  /** pid-taken, file-changed, file-missing, file-swapped, exe-changed, tcp-used, peer-gone, images. */
  code: string
  message: string
  remedy: string | null
  blocking: boolean
}

export interface RestorePreflight {
  ok: boolean
  problems: RestoreProblem[]
}

export interface RestoreOptions {
  store: SnapshotStore
  onProgress?: (p: CriuProgress) => void
  signal?: AbortSignal
  timeoutMs?: number
  /** tmux for snapshots that need a terminal; default: found in PATH (null: treat as missing). */
  tmuxPath?: string | null
}

export const PIDFILE = 'restored.pid'

export interface RestoreResult {
  rootPid: number
  manifest: Manifest
  /** Where a program frozen attached to a terminal now runs (null: no terminal needed). */
  terminal: TerminalSession | null
}

/**
 * Every pid and thread id the snapshot will recreate: from pstree.img, else the manifest. The
 * strict reader, not the full decoder: it loads in no time, and what it refuses (a damaged or
 * doctored image) falls back to the manifest's pids like a missing file.
 */
function neededPids(manifest: Manifest, dir: string): number[] {
  try {
    const tasks = readPstreeStrict(dir)
    return [...new Set(tasks.flatMap((t) => [t.pid, ...t.threads]))]
  } catch {
    return manifest.preflight.pids
  }
}

function pidProblem(pid: number): RestoreProblem | null {
  const st = readPidStat(pid)
  if (!st) return null
  if (st.state === 'Z') {
    const parent = readPidStat(st.ppid)
    return {
      code: 'pid-taken',
      message:
        `Process id ${pid} is still held by a zombie (${st.comm}, exited but not yet reaped by ` +
        `its parent ${st.ppid}${parent ? ` ${parent.comm}` : ''}).`,
      remedy: 'Wait a moment for the parent to reap it, or end the parent process.',
      blocking: true
    }
  }
  return {
    code: 'pid-taken',
    message: `Process id ${pid} is taken by ${st.comm} (pid ${pid}).`,
    remedy: `The snapshot must come back with its own pids: close ${st.comm} (${pid}) first.`,
    blocking: true
  }
}

/**
 * A recorded file whose path now leads elsewhere: through a symbolic link (CRIU, as root, would
 * open whatever file the link names, e.g. one only root may read, and hand it to the restored
 * process), or to a file of another owner. Null when the path is as it was, or has no file.
 */
function swappedProblem(f: RecordedFile | RecordedExe, what: string): RestoreProblem | null {
  const id = fileIdentity(f.path)
  if (id === null) return null
  const why = !id.direct
    ? 'its path now goes through a symbolic link'
    : f.uid !== undefined && id.uid !== f.uid
      ? `it now belongs to uid ${id.uid}, not uid ${f.uid}`
      : null
  if (why === null) return null
  return {
    code: 'file-swapped',
    message: `${what} is not the file that was frozen: ${why}.`,
    remedy:
      'CRIU reopens files by their path, so restoring now would give the process another file. ' +
      'Put the original file back at that path (not a link to it), then restore again.',
    blocking: true
  }
}

/** Checks everything that can be checked before criu runs. Never throws for a problem. */
export function preflightRestore(manifest: Manifest, dir: string): RestorePreflight {
  const problems: RestoreProblem[] = []
  if (manifest.flags.tcp === 'established' && manifest.restores.some((r) => r.ok)) {
    problems.push({
      code: 'tcp-used',
      message: 'This snapshot kept TCP connections and was already restored once.',
      remedy:
        'A kept TCP connection can only be frozen and restored exactly once; the other side has ' +
        'moved on. Freeze the process again for a new snapshot.',
      blocking: true
    })
  }
  for (const pid of neededPids(manifest, dir)) {
    const p = pidProblem(pid)
    if (p) problems.push(p)
  }
  for (const f of manifest.preflight.files) {
    const size = fileSize(f.path)
    const swapped = swappedProblem(f, `The file ${f.path} (fd ${f.fd} of process ${f.pid})`)
    if (swapped) {
      problems.push(swapped)
    } else if (size === null) {
      problems.push({
        code: 'file-missing',
        message: `The file ${f.path} (fd ${f.fd} of process ${f.pid}) is gone.`,
        remedy: 'Put the file back where it was, then restore again.',
        blocking: true
      })
    } else if (f.size !== null && size !== f.size) {
      problems.push({
        code: 'file-changed',
        message: `The file ${f.path} changed since the freeze (${size} bytes now, ${f.size} then).`,
        remedy: 'CRIU restores an open file only with the size it had: put the old version back.',
        blocking: true
      })
    }
  }
  for (const e of manifest.preflight.exes) {
    const size = fileSize(e.path)
    const swapped = swappedProblem(e, `The program ${e.path} of process ${e.pid}`)
    if (swapped) {
      problems.push(swapped)
    } else if (size === null || (e.size !== null && size !== e.size)) {
      problems.push({
        code: 'exe-changed',
        message: `The program ${e.path} of process ${e.pid} was ${size === null ? 'removed' : 'updated'} since the freeze.`,
        remedy:
          'Put the old version of the program back; otherwise this snapshot cannot be restored.',
        blocking: true
      })
    }
  }
  for (const peer of manifest.preflight.extUnixPeers) {
    const st = readPidStat(peer.pid)
    const same =
      st && st.state !== 'Z' && (peer.startTicks === null || st.startTicks === peer.startTicks)
    if (!same) {
      problems.push({
        code: 'peer-gone',
        message: `The socket peer ${peer.name} (pid ${peer.pid}) outside the snapshot is gone.`,
        remedy:
          'Start the program the socket talked to again; restoring now would leave it talking to nobody.',
        blocking: true
      })
    }
  }
  return { ok: !problems.some((p) => p.blocking), problems }
}

function preflightError(id: string, pre: RestorePreflight): AppError {
  const blocking = pre.problems.filter((p) => p.blocking)
  return new AppError({
    code: 'RESTORE_PREFLIGHT',
    message: `Snapshot ${id} cannot be restored right now: ${blocking[0]?.message ?? 'pre-flight failed'}`,
    why:
      blocking
        .slice(1)
        .map((p) => p.message)
        .join(' ') || 'Nothing was started.',
    remedy: [...new Set(blocking.map((p) => p.remedy).filter(Boolean))].join(' '),
    detail: blocking.map((p) => `[${p.code}] ${p.message}`).join('\n')
  })
}

async function waitRunning(pid: number, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (isRunning(pid)) return true
    await new Promise((r) => setTimeout(r, 20))
  }
  return isRunning(pid)
}

function readPidfile(path: string): number | null {
  try {
    const n = Number(readFileSync(path, 'utf8').trim())
    return Number.isSafeInteger(n) && n > 0 ? n : null
  } catch {
    return null
  }
}

/**
 * Restores a snapshot and returns the pid of the restored root.
 * @throws AppError RESTORE_PREFLIGHT (nothing started), or the explained CRIU error.
 */
export async function restore(id: string, opts: RestoreOptions): Promise<RestoreResult> {
  const { store } = opts
  const manifest = store.get(id)
  const dir = store.dir(id)
  const criuPath = findCriu()
  const versionPending = criuVersion(criuPath)
  // Handled below; this only keeps an early throw from leaving an unhandled rejection.
  versionPending.catch(() => undefined)
  const pre = preflightRestore(manifest, dir)
  await versionPending
  if (!pre.ok) throw preflightError(id, pre)
  const pidfile = join(dir, PIDFILE)
  rmSync(pidfile, { force: true })
  const hooks = {
    ...(opts.onProgress && { onProgress: opts.onProgress }),
    ...(opts.signal && { signal: opts.signal }),
    ...(opts.timeoutMs && { timeoutMs: opts.timeoutMs })
  }
  const terminal = needsTerminal(manifest, dir) ? terminalSession(id) : null
  const { result, logPath } = terminal
    ? await runRestoreInTerminal(criuPath, manifest, dir, pidfile, terminal, hooks, opts.tmuxPath)
    : await runRestore(criuPath, manifest, dir, pidfile, hooks)
  const rootPid = readPidfile(pidfile)
  const ok = result.exitCode === 0 && rootPid !== null && (await waitRunning(rootPid))
  if (ok && rootPid !== null) {
    const updated = store.updateManifest(id, (m) => ({
      ...m,
      restores: [...m.restores, { at: new Date().toISOString(), rootPid, ok: true, error: null }]
    }))
    return { rootPid, manifest: updated, terminal }
  }
  const text = readTextFile(logPath)
  const explained = explainLog(`${text}\n${result.output}`, 'restore', {
    exitCode: result.exitCode,
    signal: result.signal
  })
  const error = result.cancelled
    ? new AppError({ code: 'CANCELLED', message: 'The restore was cancelled.' })
    : explanationError(explained, logPath)
  store.updateManifest(id, (m) => ({
    ...m,
    restores: [
      ...m.restores,
      { at: new Date().toISOString(), rootPid, ok: false, error: error.message }
    ]
  }))
  throw error
}
