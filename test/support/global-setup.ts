/**
 * Builds the C workloads in test/workloads/ once per test run (only those whose source is newer
 * than the binary). Workloads are small programs whose fds, sockets and memory the tests control.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

export const WORKLOAD_SRC = join(import.meta.dirname, '..', 'workloads')
export const WORKLOAD_BIN = join(WORKLOAD_SRC, 'bin')

export function buildWorkloads(): void {
  mkdirSync(WORKLOAD_BIN, { recursive: true })
  const files = readdirSync(WORKLOAD_SRC)
  // A changed shared header rebuilds every workload.
  const headers = files.filter((f) => f.endsWith('.h'))
  const newestHeader = Math.max(0, ...headers.map((h) => statSync(join(WORKLOAD_SRC, h)).mtimeMs))
  for (const file of files) {
    if (!file.endsWith('.c')) continue
    const src = join(WORKLOAD_SRC, file)
    const out = join(WORKLOAD_BIN, file.slice(0, -2))
    const newest = Math.max(statSync(src).mtimeMs, newestHeader)
    if (existsSync(out) && statSync(out).mtimeMs >= newest) continue
    execFileSync('cc', ['-O1', '-Wall', '-o', out, src, '-lpthread'], { stdio: 'inherit' })
  }
}

export function setup(): void {
  buildWorkloads()
}
