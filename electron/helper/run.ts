/**
 * Runs a child (CRIU through prlimit and setpriv) with a constant environment, cwd '/', no stdin,
 * a bounded capture of its output and a hard timeout.
 */
import { spawn } from 'node:child_process'

import { CHILD_ENV } from './criu-argv'

export interface RunOutcome {
  code: number | null
  signal: NodeJS.Signals | null
  timedOut: boolean
  /** The last 8 KiB of stdout+stderr. */
  output: string
}

const MAX_CAPTURE = 8192

export function runChild(file: string, args: string[], timeoutMs: number): Promise<RunOutcome> {
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      cwd: '/',
      env: { ...CHILD_ENV },
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: false
    })
    let output = ''
    const take = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-MAX_CAPTURE)
    }
    child.stdout.on('data', take)
    child.stderr.on('data', take)
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, timeoutMs)
    child.on('error', (e) => {
      clearTimeout(timer)
      resolve({ code: null, signal: null, timedOut, output: String(e) })
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, timedOut, output })
    })
  })
}
