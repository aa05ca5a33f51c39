/**
 * A real polkit setup for the helper tests (they run as root): two test users, a system D-Bus
 * and polkitd (reused when already running), the helper and policy installed by our own
 * installer, a rules file granting only the first user the Icebox actions, and
 * /etc/icebox/helper.conf with `extra_restore_caps = setpcap` (these machines lack
 * CAP_SYS_RESOURCE in the bounding set). `teardownPolkit()` removes everything it added.
 */
import { execFileSync, spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  chmodSync
} from 'node:fs'
import { join } from 'node:path'

import { build } from 'esbuild'

import { installHelper, uninstallHelper } from '../../electron/core/privilege/install'
import { HELPER_CONF, HELPER_PATH, STORE_ROOT } from '../../electron/core/privilege/protocol'

export const TEST_USER = 'icebox-test'
export const OTHER_USER = 'icebox-test2'
export const RULES_FILE = '/etc/polkit-1/rules.d/49-icebox-test.rules'
const REPO = join(import.meta.dirname, '..', '..')
const BUILT_HELPER = join(REPO, 'dist', 'icebox-helper.test.cjs')

export interface PolkitEnv {
  uid: number
  gid: number
  otherUid: number
  startedDbus: number | null
  startedPolkitd: number | null
  previousConf: string | null
}

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

function ensureUser(name: string): number {
  try {
    return Number(sh('id', ['-u', name]).trim())
  } catch {
    sh('useradd', ['-m', '-s', '/bin/sh', name])
    return Number(sh('id', ['-u', name]).trim())
  }
}

function busNames(): string {
  try {
    return sh('dbus-send', [
      '--system',
      '--print-reply',
      '--dest=org.freedesktop.DBus',
      '/org/freedesktop/DBus',
      'org.freedesktop.DBus.ListNames'
    ])
  } catch {
    return ''
  }
}

async function waitUntil(what: string, ok: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** Builds the helper bundle exactly as scripts/build.mjs does (only this entry). */
export async function buildHelper(): Promise<string> {
  await build({
    entryPoints: [join(REPO, 'electron/helper/main.ts')],
    outfile: BUILT_HELPER,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    banner: { js: '#!/usr/bin/node' },
    logLevel: 'warning'
  })
  return BUILT_HELPER
}

/** Writes /etc/icebox/helper.conf (root 0644). */
export function writeHelperConf(text: string): void {
  mkdirSync('/etc/icebox', { recursive: true, mode: 0o755 })
  writeFileSync(HELPER_CONF, text, { mode: 0o644 })
  chmodSync(HELPER_CONF, 0o644)
}

export const DEFAULT_TEST_CONF = 'extra_restore_caps = setpcap\n'

/** Runs a command as a user (runuser), optionally with stdin; never throws. */
export function asUser(
  user: string,
  cmd: string,
  args: string[],
  input?: string | Buffer,
  env: Record<string, string> = {}
): SpawnSyncReturns<string> {
  return spawnSync(
    'runuser',
    ['-u', user, '--', 'env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), cmd, ...args],
    {
      input: input ?? '',
      encoding: 'utf8',
      cwd: '/',
      timeout: 120_000
    }
  )
}

/** `pkexec --disable-internal-agent HELPER op…` as a user, request on stdin. */
export function pkexecAs(user: string, args: string[], request: string): SpawnSyncReturns<string> {
  return asUser(
    user,
    '/usr/bin/pkexec',
    ['--disable-internal-agent', HELPER_PATH, ...args],
    request
  )
}

export async function setupPolkit(): Promise<PolkitEnv> {
  const uid = ensureUser(TEST_USER)
  const gid = Number(sh('id', ['-g', TEST_USER]).trim())
  const otherUid = ensureUser(OTHER_USER)

  let startedDbus: number | null = null
  if (!busNames().includes('org.freedesktop.DBus')) {
    mkdirSync('/run/dbus', { recursive: true })
    rmSync('/run/dbus/system_bus_socket', { force: true })
    // A dbus-daemon that was stopped leaves its pid file, and a new one refuses to start.
    rmSync('/run/dbus/pid', { force: true })
    startedDbus = Number(sh('dbus-daemon', ['--system', '--fork', '--print-pid']).trim())
    await waitUntil('the system bus', () => busNames().includes('org.freedesktop.DBus'))
  }
  let startedPolkitd: number | null = null
  if (!busNames().includes('org.freedesktop.PolicyKit1')) {
    const p = spawn('/usr/lib/polkit-1/polkitd', ['--no-debug'], {
      detached: true,
      stdio: 'ignore'
    })
    p.unref()
    startedPolkitd = p.pid ?? null
    await waitUntil('polkitd on the bus', () => busNames().includes('org.freedesktop.PolicyKit1'))
  }

  installHelper({ helperSource: await buildHelper() })
  const previousConf = existsSync(HELPER_CONF) ? readFileSync(HELPER_CONF, 'utf8') : null
  writeHelperConf(DEFAULT_TEST_CONF)
  writeFileSync(
    RULES_FILE,
    `// Icebox helper tests: only ${TEST_USER} may use the Icebox actions, without a password.
polkit.addRule(function (action, subject) {
  if (action.id.indexOf("org.icebox.") == 0 && subject.user == "${TEST_USER}") {
    return polkit.Result.YES;
  }
});
`,
    { mode: 0o644 }
  )
  // polkitd notices new rules and policies asynchronously: wait until pkexec authorises us (the
  // helper then refuses the empty request with exit code 2, instead of pkexec's 127).
  await waitUntil(
    'polkit to authorise the test user',
    () => pkexecAs(TEST_USER, ['delete'], '{}').status === 2,
    30_000
  )
  return { uid, gid, otherUid, startedDbus, startedPolkitd, previousConf }
}

export async function teardownPolkit(env: PolkitEnv): Promise<void> {
  rmSync(RULES_FILE, { force: true })
  if (env.previousConf !== null) writeFileSync(HELPER_CONF, env.previousConf)
  else rmSync(HELPER_CONF, { force: true })
  for (const uid of [env.uid, env.otherUid]) {
    for (const part of ['images', 'staging']) {
      rmSync(join(STORE_ROOT, part, String(uid)), { recursive: true, force: true })
    }
    // The helper's per-user dump lock (an empty file).
    rmSync(join(STORE_ROOT, 'locks', `${uid}.lock`), { force: true })
  }
  uninstallHelper()
  rmSync(BUILT_HELPER, { force: true })
  if (env.startedPolkitd) killQuietly(env.startedPolkitd)
  if (env.startedDbus) killQuietly(env.startedDbus)
  for (const u of [TEST_USER, OTHER_USER]) {
    // Processes the tests started as that user (left by a failed test) would block userdel.
    killProcessesOf(u === TEST_USER ? env.uid : env.otherUid)
    spawnSync('userdel', ['-r', u], { stdio: 'ignore' })
  }
}

/** SIGKILLs, by pid, every process running as `uid` (only the test users' own processes). */
export function killProcessesOf(uid: number): void {
  for (const name of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(name)) continue
    try {
      const m = /^Uid:\s+([0-9]+)/m.exec(readFileSync(`/proc/${name}/status`, 'utf8'))
      if (m && Number(m[1]) === uid) process.kill(Number(name), 'SIGKILL')
    } catch {
      // exited meanwhile
    }
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGTERM')
  } catch {
    // already gone
  }
}
