/**
 * `icebox freeze/snapshots/restore/rm` run as the unprivileged icebox-test go through pkexec and
 * the helper transparently; the listing reads the store through the ACL, with no prompt.
 */
import { rmSync } from 'node:fs'
import { join } from 'node:path'

import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { waitForPidGone } from '../../support/workloads'
import {
  asUser,
  setupPolkit,
  teardownPolkit,
  TEST_USER,
  type PolkitEnv
} from '../../support/polkit'
import { killPid, readCounter, sleep, startCounterAs, userTempDir } from './support'

const CLI = join(import.meta.dirname, '..', '..', '..', 'dist', 'cli.helper-test.mjs')
let env: PolkitEnv
let dir: string

beforeAll(async () => {
  env = await setupPolkit()
  dir = userTempDir(env.uid, env.gid)
  await build({
    entryPoints: [join(import.meta.dirname, '..', '..', '..', 'electron/cli/main.ts')],
    outfile: CLI,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    loader: { '.proto': 'text' },
    banner: {
      js: "import { createRequire as __icCreateRequire } from 'node:module'; const require = __icCreateRequire(import.meta.url);"
    },
    logLevel: 'error'
  })
})

afterAll(async () => {
  rmSync(CLI, { force: true })
  if (env) await teardownPolkit(env)
})

function icebox(...args: string[]): ReturnType<typeof asUser> {
  return asUser(TEST_USER, '/usr/bin/node', [CLI, ...args])
}

describe('icebox as a normal user (Mode U)', () => {
  it('freeze → snapshots → restore (count continues) → rm', async () => {
    const c = await startCounterAs(TEST_USER, dir)
    await sleep(200)
    const f = icebox('freeze', String(c.pid), '--yes', '--name', 'cli counter')
    expect(f.status, f.stdout + f.stderr).toBe(0)
    const id = f.stdout.trim()
    await c.runuser.stop()
    await waitForPidGone(c.pid)
    const before = readCounter(c.stateFile)

    const ls = icebox('snapshots', '--json')
    expect(ls.status, ls.stderr).toBe(0)
    expect(ls.stdout).toContain(id)

    const r = icebox('restore', id)
    expect(r.status, r.stdout + r.stderr).toBe(0)
    expect(Number(r.stdout.trim())).toBe(c.pid)
    await sleep(300)
    expect(readCounter(c.stateFile)).toBeGreaterThan(before)
    killPid(c.pid)

    const rm = icebox('rm', id)
    expect(rm.status, rm.stdout + rm.stderr).toBe(0)
    expect(icebox('snapshots', '--json').stdout).not.toContain(id)
  })

  it('--tcp-established is refused for a user with a hint to use --tcp-close', async () => {
    const c = await startCounterAs(TEST_USER, dir)
    const f = icebox('freeze', String(c.pid), '--yes', '--tcp-established')
    expect(f.status).not.toBe(0)
    expect(f.stderr).toMatch(/root|--tcp-close/)
    killPid(c.pid)
    await c.runuser.stop()
  })
})
