/**
 * Mode U for real: as the unprivileged user icebox-test, through pkexec and polkitd, freeze an
 * in-memory workload, find it in the store, restore it (the count continues), delete it; and the
 * store stays read-only for that user and invisible to others.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { STORE_ROOT } from '../../../electron/core/privilege/protocol'
import { waitForPidGone } from '../../support/workloads'
import {
  asUser,
  OTHER_USER,
  pkexecAs,
  setupPolkit,
  teardownPolkit,
  TEST_USER,
  type PolkitEnv
} from '../../support/polkit'
import {
  dumpRequest,
  killPid,
  parseLast,
  readCounter,
  sleep,
  snapshotDir,
  startCounterAs,
  userTempDir
} from './support'

let env: PolkitEnv
let dir: string

beforeAll(async () => {
  env = await setupPolkit()
  dir = userTempDir(env.uid, env.gid)
})

afterAll(async () => {
  if (env) await teardownPolkit(env)
})

describe('the user path through pkexec', () => {
  let id = ''
  let pid = 0

  it('freezes the user’s own in-memory workload through pkexec', async () => {
    const w = await startCounterAs(TEST_USER, dir)
    pid = w.pid
    await sleep(300)
    const r = pkexecAs(TEST_USER, ['dump'], dumpRequest(w.pid, w.startTicks, { name: 'counter' }))
    const out = parseLast(r.stdout)
    expect(out, r.stderr).toMatchObject({ ok: true, result: { op: 'dump' } })
    expect(r.status).toBe(0)
    id = String(out.result?.id)
    await w.runuser.stop()
    await waitForPidGone(w.pid)
    ;(globalThis as Record<string, unknown>).__counterFile = w.stateFile
  })

  it('lists it straight from the store through the ACL, no prompt', () => {
    const ls = asUser(TEST_USER, 'ls', [join(STORE_ROOT, 'images', String(env.uid))])
    expect(ls.status).toBe(0)
    expect(ls.stdout.split('\n')).toContain(id)
    const manifest = asUser(TEST_USER, 'cat', [join(snapshotDir(env.uid, id), 'manifest.json')])
    expect(manifest.status).toBe(0)
    const m = JSON.parse(manifest.stdout) as { id: string; name: string; helper: { uid: number } }
    expect(m).toMatchObject({ id, name: 'counter', helper: { uid: env.uid } })
  })

  it('store files are root-owned, readable by the user, not writable or deletable', () => {
    const sdir = snapshotDir(env.uid, id)
    for (const f of readdirSync(sdir)) {
      const st = statSync(join(sdir, f))
      expect(st.uid).toBe(0)
      expect(st.mode & 0o777).toBe(0o640) // 0600 + ACL mask r-- shows as group bits
    }
    const core = readdirSync(sdir).find((f) => f.startsWith('core-')) as string
    expect(asUser(TEST_USER, 'cat', [join(sdir, core)]).status).toBe(0)
    expect(asUser(TEST_USER, 'sh', ['-c', `echo x >> ${join(sdir, core)}`]).status).not.toBe(0)
    expect(asUser(TEST_USER, 'rm', ['-f', join(sdir, core)]).status).not.toBe(0)
    expect(asUser(TEST_USER, 'touch', [join(sdir, 'new.img')]).status).not.toBe(0)
    expect(asUser(TEST_USER, 'chmod', ['777', join(sdir, core)]).status).not.toBe(0)
    expect(asUser(TEST_USER, 'mv', [sdir, `${sdir}-x`]).status).not.toBe(0)
    expect(existsSync(join(sdir, core))).toBe(true)
  })

  it('§8.31 a second user cannot read the first user’s snapshots', () => {
    expect(asUser(OTHER_USER, 'ls', [join(STORE_ROOT, 'images', String(env.uid))]).status).not.toBe(
      0
    )
    expect(
      asUser(OTHER_USER, 'cat', [join(snapshotDir(env.uid, id), 'manifest.json')]).status
    ).not.toBe(0)
  })

  it('restores it through pkexec and the in-memory count continues', async () => {
    const file = (globalThis as Record<string, unknown>).__counterFile as string
    const before = readCounter(file)
    const r = pkexecAs(TEST_USER, ['restore'], JSON.stringify({ op: 'restore', id }))
    const out = parseLast(r.stdout)
    expect(out, r.stdout + r.stderr).toMatchObject({ ok: true, result: { rootPid: pid } })
    await sleep(400)
    const after = readCounter(file)
    // A fresh start would count from 1; the restored memory continues past the frozen value.
    expect(after).toBeGreaterThan(before)
    const status = asUser(TEST_USER, 'cat', [`/proc/${pid}/status`]).stdout
    expect(status).toMatch(
      new RegExp(`^Uid:\\s+${env.uid}\\s+${env.uid}\\s+${env.uid}\\s+${env.uid}$`, 'm')
    )
    expect(status).toMatch(/^CapEff:\s+0+$/m)
    expect(status).toMatch(/^CapPrm:\s+0+$/m)
    killPid(pid)
  })

  it('deletes it through pkexec (delete is allowed without a password)', () => {
    const r = pkexecAs(TEST_USER, ['delete'], JSON.stringify({ op: 'delete', id }))
    expect(parseLast(r.stdout)).toMatchObject({ ok: true, result: { op: 'delete', id } })
    expect(existsSync(snapshotDir(env.uid, id))).toBe(false)
  })

  it('§8.13 a user without the polkit grant gets "not authorised" (pkexec 127), helper never runs', () => {
    const r = pkexecAs(OTHER_USER, ['dump'], dumpRequest(2, 0))
    expect(r.status).toBe(127)
    expect(r.stdout).toBe('')
    expect(existsSync(join(STORE_ROOT, 'staging', String(env.otherUid)))).toBe(false)
  })

  it('§8.1 unknown argv1 falls back to the generic action: not authorised for the user', () => {
    const r = pkexecAs(TEST_USER, ['foo'], '{"op":"foo"}')
    expect(r.status).toBe(127)
  })

  it('§8.2 extra arguments after argv1: pkexec runs the helper, which refuses (argc ≠ 2)', () => {
    const r = pkexecAs(TEST_USER, ['dump', '--images-dir=/etc'], dumpRequest(2, 0))
    expect(r.status).toBe(2)
    expect(parseLast(r.stdout).error?.message).toMatch(/exactly one argument/)
  })

  it('§8.3 authorised for delete, request says restore: refused', () => {
    const r = pkexecAs(TEST_USER, ['delete'], JSON.stringify({ op: 'restore', id }))
    expect(r.status).toBe(2)
    expect(parseLast(r.stdout).error?.message).toMatch(/differs from the authorised/)
  })

  it('§8.8 hostile LANG/TERM/SHELL values make pkexec abort before the helper runs', () => {
    for (const [k, v] of [
      ['LANG', '../..'],
      ['TERM', '%n'],
      ['SHELL', '/tmp/x']
    ] as const) {
      const r = asUser(
        TEST_USER,
        '/usr/bin/pkexec',
        ['--disable-internal-agent', '/usr/libexec/icebox/icebox-helper', 'delete'],
        '{}',
        { [k]: v }
      )
      expect(r.status, `${k}=${v}`).toBe(127)
      expect(r.stdout).toBe('')
    }
  })

  it('§8.17 the helper refuses to freeze its own ancestor (the user’s shell that ran pkexec)', () => {
    const script =
      'st=$(cut -d" " -f22 /proc/$$/stat); ' +
      'echo "{\\"op\\":\\"dump\\",\\"pid\\":$$,\\"startTicks\\":$st}" | ' +
      '/usr/bin/pkexec --disable-internal-agent /usr/libexec/icebox/icebox-helper dump'
    const r = asUser(TEST_USER, 'sh', ['-c', script])
    const out = parseLast(r.stdout)
    expect(out.error?.code, r.stdout + r.stderr).toBe('PERMISSION_DENIED')
    expect(out.error?.message).toMatch(/Icebox itself, the helper or one of their parents/)
  })
})
