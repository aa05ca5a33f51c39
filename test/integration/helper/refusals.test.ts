/**
 * Refusals at the helper's door (security-model.md §8): who calls, what they ask, which process.
 * Most cases drive the installed helper directly as root with PKEXEC_UID set (as pkexec would)
 * — fast, and the helper cannot tell the difference. Each refusal must leave nothing behind.
 */
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  readdirSync,
  readFileSync,
  writeFileSync,
  mkdirSync
} from 'node:fs'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { HELPER_PATH, STORE_ROOT } from '../../../electron/core/privilege/protocol'
import { start, startWorkload, workloadPath, type Workload } from '../../support/workloads'
import {
  asUser,
  OTHER_USER,
  setupPolkit,
  teardownPolkit,
  TEST_USER,
  type PolkitEnv
} from '../../support/polkit'
import {
  dumpRequest,
  helperAsRoot,
  killPid,
  readCounter,
  sleep,
  snapshotDir,
  startCounterAs,
  startTicksOf,
  userTempDir
} from './support'
import { MALFORMED_REQUESTS } from './malformed-requests'

let env: PolkitEnv
let dir: string
const cleanups: Array<() => Promise<void> | void> = []

beforeAll(async () => {
  env = await setupPolkit()
  dir = userTempDir(env.uid, env.gid)
})

afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
})

afterAll(async () => {
  if (env) await teardownPolkit(env)
})

/** Nothing of the user appeared in the store. */
function expectNoSideEffects(uid = env.uid): void {
  const images = join(STORE_ROOT, 'images', String(uid))
  expect(existsSync(images) ? readdirSync(images) : []).toEqual([])
  const staging = join(STORE_ROOT, 'staging', String(uid))
  expect(existsSync(staging) ? readdirSync(staging) : []).toEqual([])
  expect(readdirSync(join(STORE_ROOT, 'tmp'))).toEqual([])
}

async function counter(): Promise<{
  pid: number
  startTicks: number
  stateFile: string
  w: Workload
}> {
  const c = await startCounterAs(TEST_USER, dir)
  cleanups.push(async () => {
    killPid(c.pid)
    await c.runuser.stop()
  })
  return { pid: c.pid, startTicks: c.startTicks, stateFile: c.stateFile, w: c.runuser }
}

describe('entry checks', () => {
  it('§8.5 the user runs the helper directly (not via pkexec), even with PKEXEC_UID=0: refused', () => {
    const r = asUser(TEST_USER, HELPER_PATH, ['dump'], dumpRequest(2, 0), { PKEXEC_UID: '0' })
    expect(r.status).toBe(3)
    expect(JSON.parse(r.stdout).error).toMatchObject({
      code: 'HELPER_REFUSED',
      message: /started by pkexec/
    })
    expectNoSideEffects()
  })

  it.each(['0', '-1', '4294967295', '12a', ' 1001', '1e3', '', 'missing', '1'])(
    '§8.6 PKEXEC_UID=%s is refused',
    (value) => {
      const r =
        value === 'missing'
          ? helperAsRoot(['dump'], dumpRequest(2, 0), { uid: null })
          : helperAsRoot(['dump'], dumpRequest(2, 0), { uid: null, env: { PKEXEC_UID: value } })
      expect(r.status).toBe(3)
      expect(r.json.error?.code).toBe('HELPER_REFUSED')
      expectNoSideEffects()
    }
  )

  it('§8.1 an unknown operation is refused by the helper (exit 2, never 126/127)', () => {
    for (const op of ['foo', 'DUMP', 'dump ', '']) {
      const r = helperAsRoot([op], `{"op":"${op}"}`, { uid: env.uid })
      expect(r.status).toBe(2)
      expect(r.json.error?.message).toMatch(/Unknown helper operation/)
    }
    expect(helperAsRoot([], '{}', { uid: env.uid }).status).toBe(2)
    expectNoSideEffects()
  })

  it('§8.2 extra arguments are refused (argc must be 2)', () => {
    const r = helperAsRoot(['dump', '--images-dir=/etc'], dumpRequest(2, 0), { uid: env.uid })
    expect(r.status).toBe(2)
    expect(r.json.error?.message).toMatch(/exactly one argument/)
  })

  it('§8.3 the request repeats another operation than argv[1]: refused', () => {
    for (const [op, body] of [
      ['dump', { op: 'restore', id: '00000000-0000-4000-8000-000000000000' }],
      ['restore', { op: 'delete', id: '00000000-0000-4000-8000-000000000000' }],
      ['delete', { id: '00000000-0000-4000-8000-000000000000' }]
    ] as const) {
      const r = helperAsRoot([op], JSON.stringify(body), { uid: env.uid })
      expect(r.status).toBe(2)
      expect(r.json.error?.message).toMatch(/differs from the authorised/)
    }
  })
})

describe('§8.12 malformed requests are refused quickly with bounded memory', () => {
  it.each(MALFORMED_REQUESTS)('%s', (_what, body, why) => {
    const op = body.includes('"op":"dump"') ? 'dump' : 'delete'
    const t0 = Date.now()
    const r = helperAsRoot([op], body, { uid: env.uid })
    expect(r.status).toBe(2)
    expect(r.json.error?.code).toBe('BAD_INPUT')
    expect(r.json.error?.message).toMatch(why)
    expect(Date.now() - t0).toBeLessThan(10_000)
    expectNoSideEffects()
  })
})

describe('which processes may be dumped', () => {
  it.each([
    ['0', 0],
    ['1', 1],
    ['-5', -5],
    ['99999999', 99999999],
    ['"12;rm"', '12;rm'],
    ['1.5', 1.5]
  ])('§8.14 pid %s rejected', (_label, pid) => {
    const r = helperAsRoot(['dump'], JSON.stringify({ op: 'dump', pid, startTicks: 0 }), {
      uid: env.uid
    })
    expect(r.status).toBe(2)
    expect(r.json.error?.message).toMatch(/pid must be/)
    expectNoSideEffects()
  })

  it('§8.15 a kernel thread (kthreadd) is refused', () => {
    const r = helperAsRoot(['dump'], dumpRequest(2, startTicksOf(2)), { uid: env.uid })
    expect(r.json.error?.code).toBe('PERMISSION_DENIED')
    expect(r.json.error?.message).toMatch(/kernel thread/)
    expectNoSideEffects()
  })

  it('§8.16 another user’s process and a root process are refused', async () => {
    const other = await start(
      'runuser',
      ['-u', OTHER_USER, '--', workloadPath('helper-counter'), '/dev/null'],
      { ready: /^ready / }
    )
    const otherPid = Number((other.lines[0] as string).split(' ')[1])
    cleanups.push(async () => {
      killPid(otherPid)
      await other.stop()
    })
    const r1 = helperAsRoot(['dump'], dumpRequest(otherPid, startTicksOf(otherPid)), {
      uid: env.uid
    })
    expect(r1.json.error?.code).toBe('PERMISSION_DENIED')
    expect(r1.json.error?.message).toMatch(/another user/)
    const root = await startWorkload('sleeper')
    cleanups.push(() => root.stop())
    const r2 = helperAsRoot(['dump'], dumpRequest(root.pid, startTicksOf(root.pid)), {
      uid: env.uid
    })
    expect(r2.json.error?.code).toBe('PERMISSION_DENIED')
    expect(existsSync(`/proc/${otherPid}`) && existsSync(`/proc/${root.pid}`)).toBe(true)
    expectNoSideEffects()
  })

  it('§8.17 the helper itself and its parent are refused', () => {
    // The parent of a directly run helper is this test process (root): pid of the test runner.
    const r = helperAsRoot(['dump'], dumpRequest(process.pid, startTicksOf(process.pid)), {
      uid: env.uid
    })
    expect(r.json.error?.code).toBe('PERMISSION_DENIED')
    expectNoSideEffects()
  })

  function privilegedCopy(name: string, setup: (path: string) => void): string {
    const d = join(dir, 'bin')
    mkdirSync(d, { recursive: true })
    const p = join(d, name)
    copyFileSync(workloadPath('helper-counter'), p)
    setup(p)
    return p
  }

  it('§8.18 the user’s setuid process (uid ≠ euid, AT_SECURE) is refused', async () => {
    const p = privilegedCopy('suid-counter', (f) => {
      chownSync(f, 0, 0)
      chmodSync(f, 0o4755)
    })
    const w = await start('runuser', ['-u', TEST_USER, '--', p, '/dev/null'], { ready: /^ready / })
    const pid = Number((w.lines[0] as string).split(' ')[1])
    cleanups.push(async () => {
      killPid(pid)
      await w.stop()
    })
    const r = helperAsRoot(['dump'], dumpRequest(pid, startTicksOf(pid)), { uid: env.uid })
    expect(r.json.error?.code).toBe('PERMISSION_DENIED')
    expect(r.json.error?.message).toMatch(/another user \(or is setuid\)/)
    expectNoSideEffects()
  })

  it('§8.19 a process with file capabilities (non-zero CapPrm) is refused', async () => {
    const p = privilegedCopy('cap-counter', (f) => {
      chmodSync(f, 0o755)
      execFileSync('setcap', ['cap_net_raw+ep', f])
    })
    const w = await start('runuser', ['-u', TEST_USER, '--', p, '/dev/null'], { ready: /^ready / })
    const pid = Number((w.lines[0] as string).split(' ')[1])
    cleanups.push(async () => {
      killPid(pid)
      await w.stop()
    })
    const r = helperAsRoot(['dump'], dumpRequest(pid, startTicksOf(pid)), { uid: env.uid })
    expect(r.json.error?.code).toBe('PERMISSION_DENIED')
    expect(r.json.error?.message).toMatch(/capabilities|setuid/)
    expectNoSideEffects()
  })

  it('§8.20 a tree whose descendant is setuid-root is refused (descendant walk)', async () => {
    const p = privilegedCopy('suid-child', (f) => {
      chownSync(f, 0, 0)
      chmodSync(f, 0o4755)
    })
    const w = await start(
      'runuser',
      [
        '-u',
        TEST_USER,
        '--',
        'sh',
        '-c',
        `${p} /dev/null >/dev/null & sleep 0.3; echo shell $$; wait`
      ],
      {
        ready: /^shell /
      }
    )
    const shPid = Number((w.lines.find((l) => l.startsWith('shell')) as string).split(' ')[1])
    cleanups.push(async () => {
      for (const c of readFileSync(`/proc/${shPid}/task/${shPid}/children`, 'utf8')
        .trim()
        .split(/\s+/))
        killPid(Number(c))
      killPid(shPid)
      await w.stop()
    })
    const r = helperAsRoot(['dump'], dumpRequest(shPid, startTicksOf(shPid)), { uid: env.uid })
    expect(r.json.error?.code).toBe('PERMISSION_DENIED')
    expect(r.json.error?.message).toMatch(/its child process [0-9]+/)
    expectNoSideEffects()
  })

  it('§8.21 a start time that does not match (pid reused) is refused', async () => {
    const c = await counter()
    const r = helperAsRoot(['dump'], dumpRequest(c.pid, c.startTicks - 1), { uid: env.uid })
    expect(r.json.error?.code).toBe('NO_SUCH_PROCESS')
    expect(r.json.error?.message).toMatch(/not the one you chose/)
    expect(existsSync(`/proc/${c.pid}`)).toBe(true)
    expectNoSideEffects()
  })

  it('§8.22 a process inside another user namespace is refused', async () => {
    const w = await start(
      'runuser',
      ['-u', TEST_USER, '--', 'unshare', '-U', workloadPath('helper-counter'), '/dev/null'],
      {
        ready: /^ready /
      }
    )
    const pid = Number((w.lines[0] as string).split(' ')[1])
    cleanups.push(async () => {
      killPid(pid)
      await w.stop()
    })
    const r = helperAsRoot(['dump'], dumpRequest(pid, startTicksOf(pid)), { uid: env.uid })
    expect(['NOT_FREEZABLE', 'PERMISSION_DENIED']).toContain(r.json.error?.code)
    expect(r.json.error?.message).toMatch(/namespace|capabilities/)
    expectNoSideEffects()
  })
})

describe('the process the helper runs in', () => {
  it('§8.7 caller umask 000, low soft rlimits, ignored signals and nice 19 do not leak into the dump', async () => {
    const c = await counter()
    const r = helperAsRoot(['dump'], dumpRequest(c.pid, c.startTicks), {
      uid: env.uid,
      wrap: [
        'prlimit',
        '--fsize=1:unlimited',
        '--nofile=64:20000',
        '--',
        'nice',
        '-n',
        '19',
        'sh',
        '-c',
        'umask 000; trap "" PIPE TERM HUP INT; exec "$0" "$@"'
      ]
    })
    expect(r.json, r.stdout + r.stderr).toMatchObject({ ok: true })
    await c.w.stop()
    const sdir = snapshotDir(env.uid, String(r.json.result?.id))
    const m = JSON.parse(readFileSync(join(sdir, 'manifest.json'), 'utf8')) as {
      helper: { files: { name: string; size: number }[] }
    }
    for (const f of m.helper.files) {
      const st = execFileSync('stat', ['-c', '%u %a %s', join(sdir, f.name)], {
        encoding: 'utf8'
      }).trim()
      expect(st).toBe(`0 640 ${f.size}`) // root, 0600 (+ ACL mask), full size: nothing truncated
    }
    expect(m.helper.files.some((f) => f.size > 4096)).toBe(true)
    helperAsRoot(['delete'], JSON.stringify({ op: 'delete', id: r.json.result?.id }), {
      uid: env.uid
    })
  })

  it('§8.7 a lowered hard RLIMIT_FSIZE makes the dump fail closed: no truncated image is stored', async () => {
    const c = await counter()
    const r = helperAsRoot(['dump'], dumpRequest(c.pid, c.startTicks), {
      uid: env.uid,
      wrap: ['prlimit', '--fsize=1:1', '--']
    })
    expect(r.json.ok).toBe(false)
    expect(r.status).not.toBe(126)
    expect(r.status).not.toBe(127)
    expectNoSideEffects()
  })

  it('§8.9 CRIU_CONFIG_FILE, CRIU_LIBS_DIR and ~/.criu/default.conf are not honoured', async () => {
    const marker = join(dir, 'pwned')
    const script = join(dir, 'pwn.sh')
    writeFileSync(script, `#!/bin/sh\ntouch ${marker}\n`, { mode: 0o755 })
    const conf = join(dir, 'evil.conf')
    writeFileSync(conf, `action-script ${script}\n`, { mode: 0o644 })
    const home = execFileSync('sh', ['-c', `getent passwd ${TEST_USER} | cut -d: -f6`], {
      encoding: 'utf8'
    }).trim()
    mkdirSync(join(home, '.criu'), { recursive: true })
    writeFileSync(join(home, '.criu', 'default.conf'), `action-script ${script}\n`)
    chownSync(join(home, '.criu'), env.uid, env.gid)
    cleanups.push(() => {
      execFileSync('rm', ['-rf', join(home, '.criu')])
    })
    const c = await counter()
    const r = helperAsRoot(
      ['dump'],
      dumpRequest(c.pid, c.startTicks, { choices: { keepRunning: true } }),
      {
        uid: env.uid,
        env: { CRIU_CONFIG_FILE: conf, CRIU_LIBS_DIR: dir, HOME: home }
      }
    )
    expect(r.json, r.stdout).toMatchObject({ ok: true })
    expect(existsSync(marker)).toBe(false)
    helperAsRoot(['delete'], JSON.stringify({ op: 'delete', id: r.json.result?.id }), {
      uid: env.uid
    })
  })

  it('keepRunning: the dumped process keeps running and its count goes on', async () => {
    const c = await counter()
    const r = helperAsRoot(
      ['dump'],
      dumpRequest(c.pid, c.startTicks, { choices: { keepRunning: true } }),
      { uid: env.uid }
    )
    expect(r.json.ok).toBe(true)
    const state = c.stateFile
    const a = readCounter(state)
    await sleep(200)
    expect(readCounter(state)).toBeGreaterThan(a)
    helperAsRoot(['delete'], JSON.stringify({ op: 'delete', id: r.json.result?.id }), {
      uid: env.uid
    })
    killPid(c.pid)
    await c.w.stop()
  })
})
