/**
 * Restore into a terminal Icebox owns. A snapshot frozen attached to a terminal (a shell job
 * with tty fds) needs a tty to come back to: run without one, CRIU fails with "Don't have tty to
 * inherit session from"; run inside the user's terminal, the program dies when that terminal
 * closes (criu-in-practice §1.3.1, R3). So Icebox runs `criu restore` inside a detached tmux
 * session on its own tmux socket. criu stays there as the parent of the restored tree (no -d),
 * so the session lives exactly as long as the program, and the user can attach to it.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'

import { AppError } from '../../common/errors'
import type { Manifest } from '../../common/snapshot'
import { restoreArgv, RESTORE_LOG } from '../criu/argv'
import { CRIU_ENV, findInPath } from '../criu/probe'
import { runProgram } from '../criu/program'
import type { CriuRunResult } from '../criu/run'
import type { RunHooks, RunOutcome } from './runner'

/** Icebox's own tmux server (`tmux -L icebox`), apart from the user's sessions. */
export const TMUX_SOCKET = 'icebox'

/** Where a restored terminal program runs, and how to reach it. */
export interface TerminalSession {
  session: string
  attach: string
}

/** CRIU writes tty-info.img only when the dumped tree had terminal fds. */
export function needsTerminal(manifest: Pick<Manifest, 'flags'>, imagesDir: string): boolean {
  return manifest.flags.shellJob && existsSync(join(imagesDir, 'tty-info.img'))
}

/** Snapshot ids are [0-9a-f-] (store.ts checkId), safe as tmux session names. */
export function terminalSession(id: string): TerminalSession {
  const session = `icebox-${id}`
  return { session, attach: `tmux -L ${TMUX_SOCKET} attach -t ${session}` }
}

function noTmux(): AppError {
  return new AppError({
    code: 'NEEDS_TERMINAL',
    message: 'This snapshot was frozen attached to a terminal, and tmux is not installed.',
    why:
      'A terminal program comes back only inside a terminal: Icebox restores it into a tmux ' +
      'session it owns, so that it does not die when a window closes.',
    remedy: 'Install tmux (`sudo apt install tmux`) and restore again.'
  })
}

const FINISHED = 'Restore finished successfully'
// Not any "Error (criu/…)" line: the rlimit noise of §4.1 is logged as one on every run.
const FAILED = 'Restoring FAILED'

function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}

async function sessionAlive(tmux: string, session: string): Promise<boolean> {
  const r = await runProgram(tmux, ['-L', TMUX_SOCKET, 'has-session', '-t', `=${session}`], {
    env: CRIU_ENV
  })
  return r.exitCode === 0
}

/**
 * Starts `criu restore` (flags of the dump, without -d) in a new tmux session and waits until
 * CRIU says the tree is restored, fails, or the session ends. Never throws for a failed restore
 * (like runCriu); throws NEEDS_TERMINAL when tmux is missing.
 */
export async function runRestoreInTerminal(
  criuPath: string,
  manifest: Manifest,
  imagesDir: string,
  pidfile: string,
  where: TerminalSession,
  hooks: RunHooks = {},
  tmuxPath: string | null = findInPath('tmux')
): Promise<RunOutcome> {
  if (tmuxPath === null) throw noTmux()
  const started = Date.now()
  const argv = restoreArgv(manifest, { imagesDir, pidfile }, 'root', { detach: false })
  const logPath = join(imagesDir, RESTORE_LOG)
  // The log of an earlier restore must not be read as this one's outcome.
  rmSync(logPath, { force: true })
  const result = (r: Partial<CriuRunResult>): RunOutcome => ({
    argv,
    logPath,
    result: {
      exitCode: null,
      signal: null,
      cancelled: false,
      timedOut: false,
      output: '',
      durationMs: Date.now() - started,
      ...r
    }
  })
  // -f /dev/null: no user tmux.conf; the command runs as an argv, never through a shell.
  const start = await runProgram(
    tmuxPath,
    ['-L', TMUX_SOCKET, '-f', '/dev/null', 'new-session', '-d', '-s', where.session].concat([
      '-x',
      '120',
      '-y',
      '40',
      '--',
      criuPath,
      ...argv
    ]),
    { env: { ...CRIU_ENV, TERM: 'xterm-256color' } }
  )
  if (start.exitCode !== 0) {
    return result({ exitCode: start.exitCode ?? 1, output: start.startError ?? start.all })
  }
  hooks.onProgress?.({
    phase: 'restoring',
    message: 'Recreating the processes in a terminal',
    bytesWritten: null,
    elapsedMs: Date.now() - started
  })
  const deadline = started + (hooks.timeoutMs ?? 10 * 60 * 1000)
  for (let round = 1; ; round++) {
    const log = readLog(logPath)
    if (log.includes(FINISHED) && existsSync(pidfile)) return result({ exitCode: 0 })
    if (
      log.includes(FAILED) ||
      (round % 20 === 0 && !(await sessionAlive(tmuxPath, where.session)))
    ) {
      // criu has exited (or is about to): its session closes with it.
      return result({ exitCode: 1 })
    }
    if (hooks.signal?.aborted || Date.now() > deadline) {
      await runProgram(tmuxPath, ['-L', TMUX_SOCKET, 'kill-session', '-t', `=${where.session}`], {
        env: CRIU_ENV
      })
      return result(hooks.signal?.aborted ? { cancelled: true } : { timedOut: true })
    }
    await new Promise((r) => setTimeout(r, 25))
  }
}
