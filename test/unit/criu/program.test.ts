/**
 * runProgram: what the engine relies on when it runs criu and tmux (exit code, output, kill on
 * timeout and cancel, a program that cannot start).
 */
import { describe, expect, it } from 'vitest'

import { runProgram } from '../../../electron/core/criu/program'

const env = { PATH: '/usr/bin:/bin' }

describe('runProgram', () => {
  it('gives the exit code and both outputs, interleaved in `all`', async () => {
    const r = await runProgram('/bin/sh', ['-c', 'echo out; echo err >&2; exit 3'], { env })
    expect(r).toMatchObject({ exitCode: 3, signal: null, stdout: 'out\n', stderr: 'err\n' })
    expect(r.all.split('\n').sort()).toEqual(['', 'err', 'out'])
    expect(r.timedOut || r.cancelled || r.startError !== null).toBe(false)
  })

  it('passes only the given environment', async () => {
    const r = await runProgram('/usr/bin/env', [], { env: { ONLY: 'this' } })
    expect(r.stdout).toBe('ONLY=this\n')
  })

  it('kills the program at the timeout', async () => {
    const r = await runProgram('/bin/sleep', ['5'], { env, timeoutMs: 50 })
    expect(r).toMatchObject({ exitCode: null, signal: 'SIGTERM', timedOut: true, cancelled: false })
  })

  it('kills the program on cancel, with the kill signal asked for', async () => {
    const ac = new AbortController()
    setTimeout(() => ac.abort(), 50)
    const r = await runProgram('/bin/sleep', ['5'], {
      env,
      signal: ac.signal,
      killSignal: 'SIGKILL'
    })
    expect(r).toMatchObject({ exitCode: null, signal: 'SIGKILL', cancelled: true, timedOut: false })
  })

  it('reports a program that cannot start instead of throwing', async () => {
    const r = await runProgram('/nonexistent/criu', ['--version'], { env })
    expect(r).toMatchObject({ exitCode: null, startError: 'ENOENT' })
  })
})
