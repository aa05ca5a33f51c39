/**
 * The store side of security-model.md §8: ingest hygiene (§4.5), tampered images (§4.6), ids,
 * quotas and crash consistency. Ingest cases call the helper's own ingest() on user-owned staging
 * files (as root, like the helper); the rest drive the installed helper as root with PKEXEC_UID.
 */
import { execFileSync, spawn } from 'node:child_process'
import {
  chownSync,
  cpSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  watch,
  writeFileSync,
  writeSync,
  closeSync
} from 'node:fs'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { verifyImageSet } from '../../../electron/helper/image-creds'
import { ingest } from '../../../electron/helper/ingest'
import { HELPER_PATH, STORE_ROOT } from '../../../electron/core/privilege/protocol'
import {
  asUser,
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
  startTicksOf,
  storedBytes,
  userTempDir
} from './support'
import { freezeBase, refusedRestore, tamperedWith, type BaseSnapshot } from './tamper'

/** A process state that is not stopped, traced or gone: R, S or D (a write to its state file). */
const RUNNING = /\) [RSD] /

let env: PolkitEnv
let dir: string
let base: BaseSnapshot
let baseId = ''
let basePid = 0

beforeAll(async () => {
  env = await setupPolkit()
  dir = userTempDir(env.uid, env.gid)
  base = await freezeBase(env.uid, dir)
  baseId = base.id
  basePid = base.pid
})

afterAll(async () => {
  if (env) await teardownPolkit(env)
})

/** A user-owned staging dir with a copy of the base snapshot's images, owned by the user. */
function stagingCopy(): string {
  const s = mkdtempSync('/var/lib/icebox/staging-test-')
  for (const f of readdirSync(snapshotDir(env.uid, baseId))) {
    if (f === 'manifest.json') continue
    cpSync(join(snapshotDir(env.uid, baseId), f), join(s, f))
    chownSync(join(s, f), env.uid, env.gid)
  }
  chownSync(s, env.uid, env.gid)
  return s
}

function freshDest(): string {
  const d = mkdtempSync('/var/lib/icebox/tmp/ingest-test.')
  return d
}

function ingestRefusal(staging: string, budget = 1 << 30): string {
  const dest = freshDest()
  try {
    ingest(staging, dest, env.uid, budget)
    return 'accepted'
  } catch (e) {
    return `${(e as Error).message} ${(e as { why?: string }).why ?? ''}`
  } finally {
    rmSync(dest, { recursive: true, force: true })
    rmSync(staging, { recursive: true, force: true })
  }
}

describe('ingest from the user-writable staging directory', () => {
  it('a genuine staging copy is accepted (control case)', () => {
    expect(ingestRefusal(stagingCopy())).toBe('accepted')
  })

  it('§8.24 a symlink planted in staging (core-1.img → /etc/shadow) is rejected', () => {
    const shadow = readFileSync('/etc/shadow')
    const s = stagingCopy()
    symlinkSync('/etc/shadow', join(s, 'core-1.img'))
    expect(ingestRefusal(s)).toMatch(/not a regular file/)
    expect(readFileSync('/etc/shadow')).toEqual(shadow)
  })

  it('§8.24 the staging parent is not listable by the user (names cannot be guessed)', () => {
    const r = asUser(TEST_USER, 'ls', [join(STORE_ROOT, 'staging', String(env.uid))])
    expect(r.status).not.toBe(0)
  })

  it('§8.25 a hard link (nlink 2) is rejected', () => {
    const s = stagingCopy()
    const core = readdirSync(s).find((f) => f.startsWith('core-')) as string
    linkSync(join(s, core), join(s, 'hardlink-1.img'))
    expect(ingestRefusal(s)).toMatch(/hard links/)
  })

  it('§8.26 a FIFO named pages-1.img is rejected without blocking', () => {
    const s = stagingCopy()
    rmSync(join(s, 'pages-1.img'), { force: true })
    execFileSync('mkfifo', [join(s, 'pages-1.img')])
    const t0 = Date.now()
    expect(ingestRefusal(s)).toMatch(/not a regular file/)
    expect(Date.now() - t0).toBeLessThan(5000)
  })

  it('§8.26 a file owned by someone else (root) is rejected', () => {
    const s = stagingCopy()
    writeFileSync(join(s, 'extra-1.img'), 'x')
    expect(ingestRefusal(s)).toMatch(/not owned by you/)
  })

  it('§8.27 writes through a kept O_RDWR fd after ingest do not reach the store copy', () => {
    const s = stagingCopy()
    const dest = freshDest()
    const fd = openSync(join(s, 'pstree.img'), 'r+')
    try {
      ingest(s, dest, env.uid, 1 << 30)
      const before = readFileSync(join(dest, 'pstree.img'))
      writeSync(fd, Buffer.from('EVIL'), 0, 4, 0)
      expect(readFileSync(join(dest, 'pstree.img'))).toEqual(before)
    } finally {
      closeSync(fd)
      rmSync(dest, { recursive: true, force: true })
      rmSync(s, { recursive: true, force: true })
    }
  })

  it('§8.28 the user cannot rename or replace their staging directory', () => {
    const parent = join(STORE_ROOT, 'staging', String(env.uid))
    mkdirSync(parent, { recursive: true, mode: 0o711 })
    const d = join(parent, 'x-test.1-1')
    mkdirSync(d, { mode: 0o700 })
    chownSync(d, env.uid, env.gid)
    expect(asUser(TEST_USER, 'mv', [d, `${d}-moved`]).status).not.toBe(0)
    expect(asUser(TEST_USER, 'mkdir', [join(parent, 'planted')]).status).not.toBe(0)
    expect(existsSync(d)).toBe(true)
    rmSync(d, { recursive: true })
  })

  it.each([
    ['a newline in a name', 'core-1\n.img'],
    ['a 255-character name', `${'a'.repeat(251)}.img`],
    ['an upper-case name', 'CORE-1.img'],
    ['a dot file', '.hidden.img'],
    ['a non-image name', 'notes.txt']
  ])('§8.29 %s is rejected by the allow-list', (_what, name) => {
    const s = stagingCopy()
    writeFileSync(join(s, name), 'x')
    chownSync(join(s, name), env.uid, env.gid)
    expect(ingestRefusal(s)).toMatch(/unexpected name/)
  })

  it('§8.29 10 000 files are rejected by the count cap', () => {
    const s = stagingCopy()
    for (let i = 0; i < 10_000; i++) writeFileSync(join(s, `fdinfo-${i + 100}.img`), '')
    expect(ingestRefusal(s)).toMatch(/more than 2000 files/)
  })

  it('§8.29 a 2 GB sparse pages file is rejected by the byte budget', () => {
    const s = stagingCopy()
    truncateSync(join(s, 'pages-1.img'), 2 * 1024 ** 3)
    expect(ingestRefusal(s, 100 * 1024 * 1024)).toMatch(/quota/)
  })
})

/** A copy of the base snapshot whose root task's core creds were updated with `edit`. */
function tamperedCopy(edit: Record<string, unknown>, fixHashes: boolean): string {
  return tamperedWith(
    base,
    `core-${base.pid}.img`,
    "d['entries'][0]['thread_core']['creds'].update(arg)",
    edit,
    fixHashes
  )
}

const restoreRefusal = (id: string): ReturnType<typeof refusedRestore> => refusedRestore(base, id)

describe('tampered images are refused before CRIU runs', () => {
  it('§8.34 core creds changed to uid 0 (crit decode/encode): refused (hash mismatch)', () => {
    const e = restoreRefusal(tamperedCopy({ uid: 0, euid: 0, suid: 0, fsuid: 0 }, false))
    expect(e.code).toBe('HELPER_REFUSED')
    expect(e.why).toMatch(/changed/)
  })

  it('§8.34 uid 0 with the manifest hashes also forged: refused by the creds check', () => {
    const e = restoreRefusal(tamperedCopy({ uid: 0, euid: 0, suid: 0, fsuid: 0 }, true))
    expect(e.code).toBe('HELPER_REFUSED')
    expect(e.why).toMatch(/another user/)
  })

  it('§8.35 capabilities in prm/eff/amb: refused', () => {
    const e = restoreRefusal(
      tamperedCopy({ cap_prm: [0x10000000, 0], cap_eff: [0x10000000, 0] }, true)
    )
    expect(e.why).toMatch(/capabilities/)
  })

  it('§8.40 a group the user is not in (any more): refused', () => {
    const e = restoreRefusal(tamperedCopy({ groups: [0] }, true))
    expect(e.why).toMatch(/group you are not in/)
  })

  it('§8.23 the post-dump creds check rejects a staged image whose creds were spoofed', () => {
    const id = tamperedCopy({ secbits: 0x2f }, true)
    expect(() => verifyImageSet(snapshotDir(env.uid, id), env.uid, [env.gid], basePid)).toThrow(
      /securebits/
    )
    helperAsRoot(['delete'], JSON.stringify({ op: 'delete', id }), { uid: env.uid })
  })
})

describe('snapshot ids, ownership and quotas', () => {
  it('§8.33 ids like ../../etc are refused as malformed', () => {
    for (const id of ['../../etc', `${baseId}/..`, baseId.toUpperCase(), '']) {
      for (const op of ['restore', 'delete']) {
        const r = helperAsRoot([op], JSON.stringify({ op, id }), { uid: env.uid })
        expect(r.json.error?.code).toBe('BAD_INPUT')
      }
    }
  })

  it('§8.33 another user’s snapshot id is not found for them, and survives', () => {
    for (const op of ['restore', 'delete']) {
      const r = helperAsRoot([op], JSON.stringify({ op, id: baseId }), { uid: env.otherUid })
      expect(r.json.error?.code).toBe('SNAPSHOT_NOT_FOUND')
    }
    expect(existsSync(snapshotDir(env.uid, baseId))).toBe(true)
  })

  it('§8.33 a symlinked snapshot directory is not followed', () => {
    const fake = crypto.randomUUID()
    const link = join(STORE_ROOT, 'images', String(env.otherUid), fake)
    mkdirSync(join(STORE_ROOT, 'images', String(env.otherUid)), { recursive: true, mode: 0o700 })
    symlinkSync(snapshotDir(env.uid, baseId), link)
    const r = helperAsRoot(['delete'], JSON.stringify({ op: 'delete', id: fake }), {
      uid: env.otherUid
    })
    expect(r.json.error?.code).toBe('SNAPSHOT_NOT_FOUND')
    expect(existsSync(snapshotDir(env.uid, baseId))).toBe(true)
    rmSync(link)
  })

  it('§8.39 the original pid in use: restore refused cleanly, nothing started', async () => {
    const c = await startCounterAs(TEST_USER, dir)
    const r1 = helperAsRoot(
      ['dump'],
      dumpRequest(c.pid, c.startTicks, { choices: { keepRunning: true } }),
      {
        uid: env.uid
      }
    )
    expect(r1.json.ok).toBe(true)
    const r2 = helperAsRoot(
      ['restore'],
      JSON.stringify({ op: 'restore', id: r1.json.result?.id }),
      { uid: env.uid }
    )
    expect(r2.json.error?.code).toBe('RESTORE_PREFLIGHT')
    helperAsRoot(['delete'], JSON.stringify({ op: 'delete', id: r1.json.result?.id }), {
      uid: env.uid
    })
    killPid(c.pid)
    await c.runuser.stop()
  })

  it('§8.32 the per-user snapshot count and the free-space floor are enforced', async () => {
    const c = await startCounterAs(TEST_USER, dir)
    try {
      writeHelperConf(`${DEFAULT_TEST_CONF}max_snapshots_per_user = 1\n`)
      const r1 = helperAsRoot(
        ['dump'],
        dumpRequest(c.pid, c.startTicks, { choices: { keepRunning: true } }),
        {
          uid: env.uid
        }
      )
      expect(r1.json.error?.code).toBe('QUOTA_EXCEEDED')
      writeHelperConf(`${DEFAULT_TEST_CONF}min_free_bytes = 900T\n`)
      const r2 = helperAsRoot(
        ['dump'],
        dumpRequest(c.pid, c.startTicks, { choices: { keepRunning: true } }),
        {
          uid: env.uid
        }
      )
      expect(r2.json.error?.code).toBe('NO_SPACE')
      expect(readdirSync(join(STORE_ROOT, 'images', String(env.uid)))).toEqual([baseId])
    } finally {
      writeHelperConf(DEFAULT_TEST_CONF)
      killPid(c.pid)
      await c.runuser.stop()
    }
  })

  it('§4.7 one dump over the hourly limit is refused before CRIU runs: the process lives on', async () => {
    const c = await startCounterAs(TEST_USER, dir)
    const mine = join(STORE_ROOT, 'images', String(env.uid))
    try {
      // The dumps of the earlier tests count too: allow exactly one more.
      const lock = join(STORE_ROOT, 'locks', `${env.uid}.lock`)
      const state = existsSync(lock) ? readFileSync(lock, 'utf8') : ''
      const started = state ? (JSON.parse(state) as { dumps: number[] }).dumps.length : 0
      writeHelperConf(`${DEFAULT_TEST_CONF}max_dumps_per_hour = ${started + 1}\n`)
      const keep = { choices: { keepRunning: true } }
      const first = helperAsRoot(['dump'], dumpRequest(c.pid, c.startTicks, keep), {
        uid: env.uid
      })
      expect(first.json.error).toBeUndefined()
      const r = helperAsRoot(['dump'], dumpRequest(c.pid, c.startTicks), { uid: env.uid })
      expect(r.json.error?.code).toBe('QUOTA_EXCEEDED')
      expect(r.json.error?.message).toBe(
        `You have started ${started + 1} freezes in the last hour; the administrator allows ${started + 1}. Nothing was frozen.`
      )
      expect(readFileSync(`/proc/${c.pid}/stat`, 'utf8')).toMatch(RUNNING)
      const id = String(first.json.result?.id)
      expect(readdirSync(mine).sort()).toEqual([baseId, id].sort())
      helperAsRoot(['delete'], JSON.stringify({ op: 'delete', id }), { uid: env.uid })
    } finally {
      writeHelperConf(DEFAULT_TEST_CONF)
      killPid(c.pid)
      await c.runuser.stop()
    }
    expect(readdirSync(mine)).toEqual([baseId])
  })

  it('§8.32 a tree larger than the bytes left is refused before CRIU runs: the process lives on', async () => {
    const c = await startCounterAs(TEST_USER, dir)
    try {
      const mine = join(STORE_ROOT, 'images', String(env.uid))
      const used = storedBytes(env.uid)
      // Room for 64 KiB more: less than any process's resident memory.
      writeHelperConf(`${DEFAULT_TEST_CONF}max_bytes_per_user = ${used + 65536}\n`)
      const r = helperAsRoot(['dump'], dumpRequest(c.pid, c.startTicks), { uid: env.uid })
      expect(r.json.error?.code).toBe('QUOTA_EXCEEDED')
      expect(r.json.error?.message).toMatch(/holds about \d+ MiB in memory.*Nothing was frozen/)
      // Frozen without --keep-running, it would be gone; refused before CRIU, it still runs.
      expect(readFileSync(`/proc/${c.pid}/stat`, 'utf8')).toMatch(RUNNING)
      expect(readdirSync(mine)).toEqual([baseId])
    } finally {
      writeHelperConf(DEFAULT_TEST_CONF)
      killPid(c.pid)
      await c.runuser.stop()
    }
  })
})

describe('§4.7 a quota overflow found only after CRIU ran', () => {
  it('a dump larger than the memory estimate (an unmapped memfd) is refused at ingest, and the process runs on', async () => {
    // 3 MiB resident, 24 MiB in a memfd: passes the check before CRIU, overflows at ingest.
    const c = await startCounterAs(TEST_USER, dir, 0, 24)
    try {
      const mine = join(STORE_ROOT, 'images', String(env.uid))
      const used = storedBytes(env.uid)
      writeHelperConf(`${DEFAULT_TEST_CONF}max_bytes_per_user = ${used + 12 * 1024 * 1024}\n`)
      const r = helperAsRoot(['dump'], dumpRequest(c.pid, c.startTicks), { uid: env.uid })
      expect(r.json.error?.code).toBe('QUOTA_EXCEEDED')
      expect(r.json.error?.message).toMatch(
        new RegExp(`Process ${c.pid} was not ended: it keeps running as before`)
      )
      // CRIU left it stopped instead of killing it; the helper let it go on: it counts again.
      expect(readFileSync(`/proc/${c.pid}/stat`, 'utf8')).toMatch(RUNNING)
      const before = readCounter(c.stateFile)
      await sleep(200)
      expect(readCounter(c.stateFile)).toBeGreaterThan(before)
      expect(startTicksOf(c.pid)).toBe(c.startTicks)
      expect(readdirSync(mine)).toEqual([baseId])
    } finally {
      writeHelperConf(DEFAULT_TEST_CONF)
      killPid(c.pid)
      await c.runuser.stop()
    }
  })
})

describe('crash consistency', () => {
  it('§8.11 a helper SIGKILLed during ingest leaves no snapshot, and the next run cleans up', async () => {
    const c = await startCounterAs(TEST_USER, dir, 300)
    const before = readdirSync(join(STORE_ROOT, 'images', String(env.uid)))
    const helper = spawn(HELPER_PATH, ['dump'], {
      env: { PKEXEC_UID: String(env.uid), PATH: '/usr/bin:/usr/sbin' },
      stdio: ['pipe', 'pipe', 'ignore']
    })
    let out = ''
    helper.stdout.on('data', (d: Buffer) => (out += d.toString()))
    const watcher = watch(join(STORE_ROOT, 'tmp'), () => helper.kill('SIGKILL'))
    helper.stdin.end(dumpRequest(c.pid, c.startTicks))
    await new Promise((r) => helper.on('close', r))
    watcher.close()
    expect(helper.signalCode, out).toBe('SIGKILL')
    expect(readdirSync(join(STORE_ROOT, 'images', String(env.uid)))).toEqual(before)
    const leftovers =
      readdirSync(join(STORE_ROOT, 'tmp')).length +
      readdirSync(join(STORE_ROOT, 'staging', String(env.uid))).length
    expect(leftovers).toBeGreaterThan(0)
    // Any later run removes what the dead helper left.
    const r = helperAsRoot(['delete'], JSON.stringify({ op: 'delete', id: crypto.randomUUID() }), {
      uid: env.uid
    })
    expect(r.json.error?.code).toBe('SNAPSHOT_NOT_FOUND')
    expect(readdirSync(join(STORE_ROOT, 'tmp'))).toEqual([])
    expect(readdirSync(join(STORE_ROOT, 'staging', String(env.uid)))).toEqual([])
    killPid(c.pid)
    await c.runuser.stop()
    void parseLast
    void sleep
  })
})
