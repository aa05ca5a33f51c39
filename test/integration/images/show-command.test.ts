/**
 * `icebox show` as a whole command: its files built by scripts/build-show.mjs (command bundle,
 * entry, V8 code cache), run with node on a real dump, a damaged copy and a missing directory.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, truncateSync, utimesSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { SnapshotView } from '../../../electron/common/snapshot-view'
import { startWorkload, waitForPidGone, type Workload } from '../../support/workloads'
import { criuDump } from './criu-helpers'
import { nodeFlagsFor } from '../../../scripts/cli-bundle.mjs'

let work: string
let bundle: string
let dump: string
let sleeper: Workload

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'icebox-show-'))
  bundle = join(work, 'icebox-show.mjs')
  // Built as scripts/build.mjs builds it: command bundle, entry, and code cache.
  await execa('node', ['scripts/build-show.mjs', '--outdir', work])
  mkdirSync(join(work, 'files'))
  sleeper = await startWorkload('images-tree', [join(work, 'files')])
  dump = join(work, 'dump')
  mkdirSync(dump)
  // Without --leave-running: criu ends the tree once it is dumped.
  await criuDump(sleeper.pid, dump, ['-l', '--tcp-established', '--network-lock', 'nftables'])
  await sleeper.stop()
  await waitForPidGone(sleeper.pid)
})

afterAll(async () => {
  await sleeper?.stop()
  if (work) rmSync(work, { recursive: true, force: true })
})

// With the node flags `icebox show` runs with (bin/icebox): V8 refuses a code cache made under
// other flags.
const show = (...args: string[]) =>
  execa(process.execPath, [...nodeFlagsFor('show'), bundle, 'show', ...args], { reject: false })

describe('icebox show (whole command)', () => {
  it('prints the decoded view as JSON and exits 0, with the code cache of the build', async () => {
    const r = await execa(
      process.execPath,
      [...nodeFlagsFor('show'), bundle, 'show', '--dir', dump, '--json'],
      {
        reject: false,
        env: { ICEBOX_SHOW_DEBUG: '1' }
      }
    )
    expect(r.exitCode).toBe(0)
    expect(r.stderr).toContain('code cache: used')
    expect(r.stderr).toMatch(/show: decoded and printed in [\d.]+ ms/)
    const view = JSON.parse(r.stdout) as SnapshotView
    expect(view.status).toBe('ok')
    expect(view.rootPid).toBe(sleeper.pid)
    expect(view.processes.length).toBe(3)
    // The tree is gone: its pids are free again for a restore.
    expect(view.restoreChecks!.pids.find((p) => p.pid === sleeper.pid)?.free).toBe(true)
  })

  it('prints the human form', async () => {
    const r = await show('--dir', dump)
    expect(r.exitCode).toBe(0)
    expect(r.stdout).toContain(`${sleeper.pid} images-tree [alive]`)
    expect(r.stdout).toContain('Restore checks (offline)')
  })

  it('shows a damaged snapshot as damaged and exits 1', async () => {
    const copy = join(work, 'damaged')
    cpSync(dump, copy, { recursive: true })
    truncateSync(join(copy, `core-${sleeper.pid}.img`), 30)
    const r = await show('--dir', copy, '--json')
    expect(r.exitCode).toBe(1)
    const view = JSON.parse(r.stdout) as SnapshotView
    expect(view.status).toBe('damaged')
    expect(view.damage).toMatchObject({ file: `core-${sleeper.pid}.img`, offset: 8 })
    const text = await show('--dir', copy)
    expect(text.stdout).toContain(`DAMAGED: core-${sleeper.pid}.img at byte 8`)
  })

  it('hands --help and unknown options to commander', async () => {
    const help = await show('--help')
    expect(help.exitCode).toBe(0)
    expect(help.stdout).toContain('Usage: icebox show')
    const bogus = await show('--bogus')
    expect(bogus.exitCode).toBe(2)
    expect(bogus.stderr).toContain("unknown option '--bogus'")
  })

  it('explains a missing directory with exit 3, and a bad id with exit 2', async () => {
    const r = await show('--dir', join(work, 'nope'), '--json')
    expect(r.exitCode).toBe(3)
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'SNAPSHOT_NOT_FOUND' } })
    const bad = await show('../x')
    expect(bad.exitCode).toBe(2)
    expect(bad.stderr).toMatch(/^error: /)
  })

  it('runs the same without its cache once the bundle changed', async () => {
    const commandBundle = join(work, 'icebox-show.cjs')
    const later = new Date(Date.now() + 60_000)
    utimesSync(commandBundle, later, later)
    try {
      const r = await execa('node', [bundle, 'show', '--dir', dump, '--json'], {
        reject: false,
        env: { ICEBOX_SHOW_DEBUG: '1' }
      })
      expect(r.exitCode).toBe(0)
      expect(r.stderr).toContain('code cache: stale')
      expect((JSON.parse(r.stdout) as SnapshotView).rootPid).toBe(sleeper.pid)
    } finally {
      await execa('node', ['scripts/build-show.mjs', '--outdir', work])
    }
  })
})
