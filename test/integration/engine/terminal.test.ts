/**
 * A terminal program (a shell job with a pty as stdio) frozen and restored for real: Icebox
 * brings it back inside a tmux session of its own, where it goes on writing to its terminal;
 * without tmux the restore is refused before CRIU runs, and nothing is started.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync, readdirSync, readlinkSync } from 'node:fs'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { AppError } from '../../../electron/common/errors'
import { freeze } from '../../../electron/core/engine/freeze'
import { restore } from '../../../electron/core/engine/restore'
import { TMUX_SOCKET } from '../../../electron/core/engine/terminal'
import { start, waitForPidGone, workloadPath } from '../../support/workloads'
import { expectedLines, readText, stateOf, useEngineFixture, waitUntil } from './helpers'

const fx = useEngineFixture()
afterEach(() => {
  spawnSync('tmux', ['-L', TMUX_SOCKET, 'kill-server'])
})

/** engine-tty under `script`: a pty is its controlling terminal and its stdout. */
async function startTerminalProgram(file: string): Promise<number> {
  const cmd = `exec ${workloadPath('engine-tty')} ${file}`
  const w = await start('script', ['-qfec', cmd, '/dev/null'], { ready: /^0 \d+/ })
  fx.workloads.push(w)
  return waitUntil(() => descendantNamed(w.pid, 'engine-tty'), 'engine-tty under script')
}

function descendantNamed(pid: number, comm: string): number | null {
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let kids: number[]
    try {
      kids = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8')
        .split(' ')
        .filter(Boolean)
        .map(Number)
    } catch {
      continue
    }
    for (const kid of kids) {
      try {
        if (readFileSync(`/proc/${kid}/comm`, 'utf8').trim() === comm) return kid
      } catch {
        // gone
      }
      const deeper = descendantNamed(kid, comm)
      if (deeper) return deeper
    }
  }
  return null
}

const lineCount = (file: string): number => readText(file).trim().split('\n').length

describe('engine: a program attached to a terminal', () => {
  it('comes back inside a tmux session of its own and goes on writing to its terminal', async () => {
    const file = join(fx.root, 'counter.txt')
    const pid = await startTerminalProgram(file)
    expect(readlinkSync(`/proc/${pid}/fd/1`)).toMatch(/^\/dev\/pts\/\d+$/)
    await waitUntil(() => lineCount(file) >= 3, 'a few lines')

    const m = await freeze({ pid, choices: {}, store: fx.store })
    expect(m.flags.shellJob).toBe(true)
    expect(m.findings.map((f) => f.id)).toContain('tty')
    await waitForPidGone(pid)
    const frozenLines = lineCount(file)

    const r = await restore(m.id, { store: fx.store })
    fx.restored.push(r.rootPid)
    expect(r.rootPid).toBe(pid)
    expect(r.terminal).toEqual({
      session: `icebox-${m.id}`,
      attach: `tmux -L icebox attach -t icebox-${m.id}`
    })
    await waitUntil(() => lineCount(file) >= frozenLines + 5, 'new lines after the restore')
    const lines = readText(file).trim().split('\n')
    expect(lines).toEqual(expectedLines(lines.length))
    // Its terminal now is the tmux pane's pty, and what it writes there shows in the pane.
    expect(readlinkSync(`/proc/${pid}/fd/1`)).toMatch(/^\/dev\/pts\/\d+$/)
    const last = lines[lines.length - 1]!
    const pane = await waitUntil(() => {
      const text = execFileSync(
        'tmux',
        ['-L', TMUX_SOCKET, 'capture-pane', '-p', '-t', r.terminal!.session],
        { encoding: 'utf8' }
      )
      return text.includes(last) ? text : null
    }, 'the counter in the tmux pane')
    expect(pane).toContain(last)

    // The session lives as long as the program.
    process.kill(pid, 'SIGKILL')
    await waitUntil(
      () =>
        spawnSync('tmux', ['-L', TMUX_SOCKET, 'has-session', '-t', `=${r.terminal!.session}`])
          .status !== 0,
      'the session to end with the program'
    )
  })

  it('without tmux, says so before CRIU runs and starts nothing', async () => {
    const file = join(fx.root, 'counter.txt')
    const pid = await startTerminalProgram(file)
    const m = await freeze({ pid, choices: {}, store: fx.store })
    await waitForPidGone(pid)

    const err = await restore(m.id, { store: fx.store, tmuxPath: null }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).code).toBe('NEEDS_TERMINAL')
    expect((err as AppError).message).toMatch(
      /frozen attached to a terminal, and tmux is not installed/
    )
    expect((err as AppError).remedy).toMatch(/apt install tmux/)
    expect(stateOf(pid)).toBeNull()
    expect(fx.store.get(m.id).restores).toEqual([])
  })
})
