/**
 * Finds CRIU and asks it what it can do here: version, `criu check`, named features and the
 * network-lock method that works. The probe runs criu (a few ms each); results are cached per
 * binary for the life of the process.
 */
import { accessSync, constants, statSync } from 'node:fs'
import { delimiter, join } from 'node:path'

import { AppError } from '../../common/errors'
import type { NetworkLock } from '../../common/snapshot'
import { runProgram } from './program'
import { binaryKey, cachedVersion, rememberVersion } from './version-cache'

/** Where Debian installs criu; checked before PATH. */
export const DEFAULT_CRIU_PATH = '/usr/sbin/criu'
/** Oldest CRIU Icebox supports (3.17 fails at the vDSO on 6.13+ kernels). */
export const MIN_CRIU_VERSION: [number, number] = [4, 2]
/** The environment criu runs with: no CRIU_CONFIG_FILE, no HOME config, a fixed PATH. */
export const CRIU_ENV: Readonly<Record<string, string>> = {
  PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
  LANG: 'C'
}

/** `criu check --feature NAME` names Icebox reports, with what each one enables. */
export const FEATURES: Record<string, string> = {
  network_lock_nftables: 'lock the network with nftables while TCP connections are frozen',
  mem_dirty_track: 'incremental snapshots (memory change tracking)',
  'uffd-noncoop': 'lazy restore (userfaultfd)',
  tcp_half_closed: 'half-closed TCP connections',
  timens: 'time namespaces',
  pidfd_store: 'pidfd store (safer pid reuse detection)',
  clone3_set_tid: 'restore with exact pids via clone3',
  seccomp_filters: 'seccomp filters'
}

const HOW_TO_GET =
  'Install CRIU 4.2 or newer. On Debian 12 it comes from unstable: add the sid repository with a ' +
  'low pin priority and run `apt-get install -t unstable criu` (scripts/setup-system.sh does ' +
  'exactly this). Or set ICEBOX_CRIU to the path of a newer criu binary.'

export interface CriuProbe {
  path: string
  version: string
  versionOk: boolean
  /** `criu check` passed ("Looks good."). */
  checkOk: boolean
  /** What `criu check` printed (warnings included), trimmed. */
  checkOutput: string
  features: Record<string, boolean>
  networkLock: { nftables: boolean; iptables: boolean; preferred: NetworkLock | null }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return statSync(path).isFile()
  } catch {
    return false
  }
}

/** Looks for a program in PATH (and the sbin directories, which a user's PATH may lack). */
export function findInPath(name: string, path = process.env.PATH ?? ''): string | null {
  const dirs = [...path.split(delimiter), '/usr/sbin', '/sbin', '/usr/bin', '/bin']
  for (const dir of dirs) {
    if (!dir) continue
    const candidate = join(dir, name)
    if (isExecutable(candidate)) return candidate
  }
  return null
}

/**
 * Path of the criu binary: the configured one (argument or ICEBOX_CRIU), else /usr/sbin/criu,
 * else PATH.
 * @throws AppError CRIU_MISSING
 */
export function findCriu(configured: string | undefined = process.env.ICEBOX_CRIU): string {
  if (configured) {
    if (isExecutable(configured)) return configured
    throw new AppError({
      code: 'CRIU_MISSING',
      message: `The configured criu (${configured}) is not an executable file.`,
      remedy: HOW_TO_GET
    })
  }
  const found = isExecutable(DEFAULT_CRIU_PATH) ? DEFAULT_CRIU_PATH : findInPath('criu')
  if (found) return found
  throw new AppError({
    code: 'CRIU_MISSING',
    message: 'CRIU is not installed.',
    why: 'Icebox freezes processes with CRIU (Checkpoint/Restore In Userspace).',
    remedy: HOW_TO_GET
  })
}

/** Parses "Version: 4.2.1" into its numbers, or null. */
export function parseVersion(text: string): number[] | null {
  const m = /Version:\s*(\d+)\.(\d+)(?:\.(\d+))?/.exec(text)
  if (!m) return null
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)]
}

/** True when `v` is at least MIN_CRIU_VERSION. */
export function versionAtLeast(v: number[], min: readonly number[] = MIN_CRIU_VERSION): boolean {
  for (let i = 0; i < min.length; i++) {
    const a = v[i] ?? 0
    const b = min[i] ?? 0
    if (a !== b) return a > b
  }
  return true
}

const versionCache = new Map<string, string>()

/**
 * The version of criu at `path`, checked against the minimum: asked once per binary and
 * remembered (version-cache.ts; `cacheFile` is for tests).
 * @throws AppError CRIU_MISSING when it does not run, CRIU_TOO_OLD when older than 4.2.
 */
export async function criuVersion(path: string, cacheFile?: string): Promise<string> {
  const cached = versionCache.get(path) ?? cachedVersion(path, cacheFile)
  const known = cached ? parseVersion(`Version: ${cached}`) : null
  if (cached && known && versionAtLeast(known)) {
    versionCache.set(path, cached)
    return cached
  }
  // Taken before criu runs: a binary replaced meanwhile must not inherit this answer.
  const key = binaryKey(path)
  const r = await runProgram(path, ['--version'], { env: CRIU_ENV, timeoutMs: 10_000 })
  const v = parseVersion(r.stdout)
  if (r.exitCode !== 0 || !v) {
    throw new AppError({
      code: 'CRIU_MISSING',
      message: `${path} did not report a CRIU version.`,
      detail: `${r.startError ?? ''}\n${r.stdout}\n${r.stderr}`.trim(),
      remedy: HOW_TO_GET
    })
  }
  const version = v.join('.')
  if (!versionAtLeast(v)) {
    throw new AppError({
      code: 'CRIU_TOO_OLD',
      message: `CRIU ${version} is too old; Icebox needs 4.2 or newer.`,
      why: 'Older CRIU fails on current kernels (3.17 on a 6.13+ kernel fails at the vDSO).',
      remedy: HOW_TO_GET
    })
  }
  versionCache.set(path, version)
  rememberVersion(path, version, key, cacheFile)
  return version
}

async function checkFeature(path: string, name: string): Promise<boolean> {
  const r = await runProgram(path, ['check', '--no-default-config', '--feature', name], {
    env: CRIU_ENV,
    timeoutMs: 20_000
  })
  return r.exitCode === 0
}

const lockCache = new Map<string, Promise<CriuProbe['networkLock']>>()

/** Which network-lock methods work (nftables per criu, iptables per its tool being present). */
export function probeNetworkLock(path: string): Promise<CriuProbe['networkLock']> {
  let p = lockCache.get(path)
  if (!p) {
    p = checkFeature(path, 'network_lock_nftables').then((nftables) => {
      const iptables = findInPath('iptables-restore') !== null
      const preferred: NetworkLock | null = nftables ? 'nftables' : iptables ? 'iptables' : null
      return { nftables, iptables, preferred }
    })
    lockCache.set(path, p)
  }
  return p
}

/**
 * Full probe for `icebox doctor` and the first-run screen: version, `criu check` and features.
 * @throws AppError CRIU_MISSING / CRIU_TOO_OLD
 */
export async function probeCriu(opts: { path?: string } = {}): Promise<CriuProbe> {
  const path = findCriu(opts.path)
  const version = await criuVersion(path)
  const [check, networkLock, ...flags] = await Promise.all([
    runProgram(path, ['check', '--no-default-config'], { env: CRIU_ENV, timeoutMs: 30_000 }),
    probeNetworkLock(path),
    ...Object.keys(FEATURES).map((name) => checkFeature(path, name))
  ])
  const features: Record<string, boolean> = {}
  Object.keys(FEATURES).forEach((name, i) => (features[name] = flags[i] ?? false))
  const checkOutput = check.all.trim()
  return {
    path,
    version,
    versionOk: true,
    checkOk: check.exitCode === 0 && /Looks good/.test(checkOutput),
    checkOutput,
    features,
    networkLock
  }
}
