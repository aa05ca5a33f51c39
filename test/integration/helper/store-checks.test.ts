/**
 * The image checks of security-model.md §4.6 that go beyond creds, and the per-user lock of §4.7:
 * an exe link changed to /usr/bin/sudo (§8.36), a plugins entry, nested namespace ids and
 * namespace images (§8.38), security labels and modules the process did not have are refused at ingest and before every restore, while a genuine
 * snapshot still restores; two racing dumps cannot both pass a quota that fits one.
 */
import { spawn } from 'node:child_process'
import { readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { AppError } from '../../../electron/common/errors'
import { HELPER_PATH, STORE_ROOT } from '../../../electron/core/privilege/protocol'
import type { TaskExe } from '../../../electron/helper/image-origin'
import { verifyStaged } from '../../../electron/helper/op-dump'
import { waitForPidGone, workloadPath } from '../../support/workloads'
import {
  DEFAULT_TEST_CONF,
  setupPolkit,
  teardownPolkit,
  TEST_USER,
  writeHelperConf,
  type PolkitEnv
} from '../../support/polkit'
import {
  dumpRequest,
  helperAsRoot,
  killPid,
  parseLast,
  readCounter,
  sleep,
  snapshotDir,
  startCounterAs,
  userTempDir,
  type HelperRun
} from './support'
import { freezeBase, refusedRestore, tamperedWith, type BaseSnapshot } from './tamper'

let env: PolkitEnv
let dir: string
let base: BaseSnapshot

beforeAll(async () => {
  env = await setupPolkit()
  dir = userTempDir(env.uid, env.gid)
  base = await freezeBase(env.uid, dir)
})

afterAll(async () => {
  if (env) await teardownPolkit(env)
})

/** The program the base snapshot's process ran, as the helper read it from /proc. */
const counterExe = (): string => realpathSync(workloadPath('helper-counter'))

function baseManifest(): { helper: { tasks: TaskExe[]; namespaces: Record<string, number> } } {
  return JSON.parse(readFileSync(join(snapshotDir(env.uid, base.id), 'manifest.json'), 'utf8'))
}

/** The AppError data the post-dump check throws for a copy (what ingest would refuse). */
function ingestCheck(id: string): {
  code?: string
  message?: string
  why?: string
  remedy?: string
} {
  try {
    verifyStaged(
      snapshotDir(env.uid, id),
      { uid: env.uid, groups: [env.gid] },
      base.pid,
      baseManifest().helper.tasks
    )
    return {}
  } catch (e) {
    return e as AppError
  }
}

const SUDO_EXE =
  "hits=[e for e in d['entries'] if e.get('reg',{}).get('name')==arg]\n" +
  "assert len(hits)==1, hits\nhits[0]['reg']['name']='/usr/bin/sudo'"

describe('exe link, plugins and namespaces of an image (§4.6)', () => {
  it('the manifest records each process’s program and the snapshot’s namespace ids', () => {
    const m = baseManifest()
    // This machine runs no security module, so the process had no labels to record.
    expect(m.helper.tasks).toEqual([
      { pid: base.pid, exe: counterExe(), lsm: { profile: null, sockcreate: null } }
    ])
    expect(Object.keys(m.helper.namespaces).sort()).toEqual([
      'cgroup',
      'ipc',
      'mnt',
      'net',
      'pid',
      'time',
      'user',
      'uts'
    ])
  })

  it('§8.36 exe link changed to /usr/bin/sudo: refused at restore', () => {
    const e = refusedRestore(base, tamperedWith(base, 'files.img', SUDO_EXE, counterExe(), true))
    expect(e.code).toBe('HELPER_REFUSED')
    expect(e.why).toMatch(
      /ran .*helper-counter when it was checked, but the image says its program is \/usr\/bin\/sudo/
    )
  })

  it('§8.36 exe link changed to /usr/bin/sudo: refused at ingest (post-dump check)', () => {
    const id = tamperedWith(base, 'files.img', SUDO_EXE, counterExe(), true)
    const e = ingestCheck(id)
    helperAsRoot(['delete'], JSON.stringify({ op: 'delete', id }), { uid: env.uid })
    expect(e.code).toBe('HELPER_REFUSED')
    expect(e.message).toMatch(/does not match the processes that were checked/)
    expect(e.why).toMatch(/\/usr\/bin\/sudo/)
    expect(e.remedy).toMatch(/restart it/)
  })

  it('§8.36 the genuine copy passes the same post-dump check (control)', () => {
    const id = tamperedWith(base, 'files.img', 'pass', null, true)
    const e = ingestCheck(id)
    helperAsRoot(['delete'], JSON.stringify({ op: 'delete', id }), { uid: env.uid })
    expect(e).toEqual({})
  })

  it('§8.38 a plugins entry added to inventory: refused', () => {
    const id = tamperedWith(
      base,
      'inventory.img',
      "d['entries'][0]['plugins_entry']={'plugins':['amdgpu_plugin']}",
      null,
      true
    )
    expect(ingestCheck(id).why).toMatch(/plugins/)
    const e = refusedRestore(base, id)
    expect(e.code).toBe('HELPER_REFUSED')
    expect(e.why).toMatch(/asks CRIU to load plugins/)
  })

  it.each([
    ['net', 'net_ns_id'],
    ['user', 'user_ns_id']
  ])('§8.38 a task’s ids changed to another %s namespace: refused', (ns, field) => {
    const id = tamperedWith(base, `ids-${base.pid}.img`, `d['entries'][0][arg]+=100`, field, true)
    expect(ingestCheck(id).why).toMatch(new RegExp(`another ${ns} namespace`))
    const e = refusedRestore(base, id)
    expect(e.code).toBe('HELPER_REFUSED')
    expect(e.why).toMatch(
      new RegExp(`task ${base.pid} would be restored into another ${ns} namespace`)
    )
  })

  it('§8.38 a namespace image a single-namespace dump never writes (utsns): refused', () => {
    const id = tamperedWith(
      base,
      'timens-0.img',
      "d={'magic':'UTSNS','entries':[{'nodename':'evil','domainname':'evil'}]}",
      null,
      true,
      'utsns-11.img'
    )
    const e = refusedRestore(base, id)
    expect(e.code).toBe('HELPER_REFUSED')
    expect(e.why).toMatch(/utsns-11\.img, a namespace image/)
  })

  it('§4.6 a security label added to a thread’s creds: refused', () => {
    const id = tamperedWith(
      base,
      `core-${base.pid}.img`,
      "d['entries'][0]['thread_core']['creds']['lsm_profile']=arg",
      'sysadm_t',
      true
    )
    expect(ingestCheck(id).why).toMatch(
      new RegExp(
        `thread ${base.pid} would get the security label "sysadm_t", but process ${base.pid} had none`
      )
    )
    const e = refusedRestore(base, id)
    expect(e.code).toBe('HELPER_REFUSED')
    expect(e.why).toMatch(/security label "sysadm_t"/)
  })

  it('§4.6 an inventory that names AppArmor on a machine without it: refused', () => {
    const id = tamperedWith(
      base,
      'inventory.img',
      "d['entries'][0]['lsmtype']='APPARMOR'",
      null,
      true
    )
    expect(ingestCheck(id).why).toMatch(
      /another security module \(apparmor\) than this machine's \(none\)/
    )
    expect(refusedRestore(base, id).why).toMatch(/another security module \(apparmor\)/)
  })

  it('a snapshot whose manifest records no programs (older helper) is refused with what to do', () => {
    const id = tamperedWith(base, 'files.img', 'pass', null, true)
    const file = join(snapshotDir(env.uid, id), 'manifest.json')
    const m = JSON.parse(readFileSync(file, 'utf8')) as { helper: Record<string, unknown> }
    delete m.helper.tasks
    writeFileSync(file, JSON.stringify(m))
    const e = refusedRestore(base, id)
    expect(e.why).toMatch(/older helper that did not record its programs/)
  })

  it('a genuine snapshot still freezes and restores through the helper (control)', async () => {
    const c = await startCounterAs(TEST_USER, dir)
    const r1 = helperAsRoot(['dump'], dumpRequest(c.pid, c.startTicks), { uid: env.uid })
    expect(r1.json.ok, r1.stdout).toBe(true)
    await c.runuser.stop()
    await waitForPidGone(c.pid)
    const before = readCounter(c.stateFile)
    const id = String(r1.json.result?.id)
    try {
      const r2 = helperAsRoot(['restore'], JSON.stringify({ op: 'restore', id }), { uid: env.uid })
      expect(r2.json, r2.stdout).toMatchObject({ ok: true, result: { rootPid: c.pid } })
      await sleep(400)
      expect(readCounter(c.stateFile)).toBeGreaterThan(before)
    } finally {
      killPid(c.pid)
      helperAsRoot(['delete'], JSON.stringify({ op: 'delete', id }), { uid: env.uid })
    }
  })
})

/** Runs the installed helper as root for `uid` without waiting (for concurrent runs). */
function helperAsync(op: string, request: string, uid: number): Promise<HelperRun['json']> {
  const child = spawn(HELPER_PATH, [op], {
    env: { PKEXEC_UID: String(uid), PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
    cwd: '/',
    stdio: ['pipe', 'pipe', 'ignore']
  })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stdin.end(request)
  return new Promise((resolve) => child.on('close', () => resolve(parseLast(out))))
}

describe('§4.7 per-user lock on the quota', () => {
  it('two dumps racing against a quota that fits one: one is stored, the other gets the quota error', async () => {
    const a = await startCounterAs(TEST_USER, dir)
    const b = await startCounterAs(TEST_USER, dir)
    const have = readdirSync(join(STORE_ROOT, 'images', String(env.uid))).length
    const keep = { choices: { keepRunning: true } }
    try {
      writeHelperConf(`${DEFAULT_TEST_CONF}max_snapshots_per_user = ${have + 1}\n`)
      const results = await Promise.all([
        helperAsync('dump', dumpRequest(a.pid, a.startTicks, keep), env.uid),
        helperAsync('dump', dumpRequest(b.pid, b.startTicks, keep), env.uid)
      ])
      const ok = results.filter((r) => r.ok)
      expect(ok, JSON.stringify(results)).toHaveLength(1)
      expect(results.find((r) => !r.ok)?.error?.code).toBe('QUOTA_EXCEEDED')
      expect(readdirSync(join(STORE_ROOT, 'images', String(env.uid)))).toHaveLength(have + 1)
      helperAsRoot(['delete'], JSON.stringify({ op: 'delete', id: ok[0]?.result?.id }), {
        uid: env.uid
      })
    } finally {
      writeHelperConf(DEFAULT_TEST_CONF)
      for (const c of [a, b]) {
        killPid(c.pid)
        await c.runuser.stop()
      }
    }
  })
})
