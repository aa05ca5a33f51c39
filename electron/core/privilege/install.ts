/**
 * Installing the helper: root-owned files in fixed places (security-model.md decision 4, §7 B).
 *
 *   /usr/libexec/icebox/icebox-helper          root 0755 (the bundled dist/icebox-helper.cjs)
 *   /usr/libexec/icebox/criu-plugins/          root 0755, empty (CRIU's -L in Mode U)
 *   /usr/share/polkit-1/actions/org.icebox.policy   root 0644
 *   /var/lib/icebox/{images,staging,tmp}       the system store
 */
import { createHash } from 'node:crypto'
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  rmdirSync
} from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

import { AppError } from '../../common/errors'
import { HELPER_PATH, PKEXEC_PATH, POLICY_PATH, STORE_ROOT } from './protocol'

export const NODE_PATH = '/usr/bin/node'
export const PLUGIN_DIR = '/usr/libexec/icebox/criu-plugins'
export const POLKITD_PATH = '/usr/lib/polkit-1/polkitd'

/** Walks up from this module (or the bundle) to find a file shipped with Icebox. */
export function findShipped(
  rel: string,
  from: string = fileURLToPath(import.meta.url)
): string | null {
  let dir = dirname(from)
  for (let i = 0; i < 6; i++) {
    for (const c of [join(dir, rel), join(dir, 'dist', rel)]) if (existsSync(c)) return c
    dir = dirname(dir)
  }
  return null
}

/** Why a program (and every directory above it) cannot be trusted as root's, or null. */
export function untrustedPathReason(path: string): string | null {
  let real: string
  try {
    real = realpathSync(path)
  } catch {
    return `${path} does not exist`
  }
  for (let p = real; ; p = dirname(p)) {
    const st = lstatSync(p)
    if (st.uid !== 0) return `${p} is not owned by root`
    if ((st.mode & 0o022) !== 0 && !(st.isDirectory() && (st.mode & 0o1000) !== 0 && p !== real)) {
      return `${p} is writable by group or others`
    }
    if (p === '/') return null
  }
}

function requireRoot(what: string): void {
  if (process.geteuid?.() !== 0) {
    throw new AppError({
      code: 'PERMISSION_DENIED',
      message: `${what} needs root.`,
      remedy: `Run "sudo icebox ${what}".`
    })
  }
}

function mkdirRoot(path: string, mode: number): void {
  mkdirSync(path, { recursive: true, mode })
  chownSync(path, 0, 0)
  chmodSync(path, mode)
}

/** Copies `src` to `dest` atomically (temp file + rename) as root:root with `mode`. */
function installFile(src: string, dest: string, mode: number): void {
  const tmp = `${dest}.tmp-${process.pid}`
  copyFileSync(src, tmp)
  chownSync(tmp, 0, 0)
  chmodSync(tmp, mode)
  renameSync(tmp, dest)
}

export interface InstallOptions {
  helperSource?: string
  policySource?: string
  nodePath?: string
}

export interface InstallReport {
  installed: string[]
}

/** `sudo icebox install-helper`. */
export function installHelper(opts: InstallOptions = {}): InstallReport {
  requireRoot('install-helper')
  const nodeProblem = untrustedPathReason(opts.nodePath ?? NODE_PATH)
  if (nodeProblem) {
    throw new AppError({
      code: 'HELPER_REFUSED',
      message: 'The helper was not installed: the Node.js interpreter is not safe to run as root.',
      why: nodeProblem,
      remedy: 'Install Node.js from your distribution (root-owned /usr/bin/node) and try again.'
    })
  }
  const helper = opts.helperSource ?? findShipped('icebox-helper.cjs')
  const policy = opts.policySource ?? findShipped('assets/linux/org.icebox.policy')
  if (!helper || !policy) {
    throw new AppError({
      code: 'HELPER_MISSING',
      message: 'The helper files to install were not found.',
      why: `Looked for dist/icebox-helper.cjs and assets/linux/org.icebox.policy.`,
      remedy: 'Run "npm run build" first.'
    })
  }
  mkdirRoot(dirname(HELPER_PATH), 0o755)
  mkdirRoot(PLUGIN_DIR, 0o755)
  installFile(helper, HELPER_PATH, 0o755)
  mkdirRoot(dirname(POLICY_PATH), 0o755)
  installFile(policy, POLICY_PATH, 0o644)
  mkdirRoot(STORE_ROOT, 0o711)
  for (const [d, m] of [
    ['images', 0o711],
    ['staging', 0o711],
    ['tmp', 0o700]
  ] as const) {
    mkdirRoot(join(STORE_ROOT, d), m)
  }
  return { installed: [HELPER_PATH, PLUGIN_DIR, POLICY_PATH, STORE_ROOT] }
}

/** `sudo icebox uninstall-helper [--purge]`: removes the helper and policy (and the store). */
export function uninstallHelper(opts: { purge?: boolean } = {}): InstallReport {
  requireRoot('uninstall-helper')
  const removed: string[] = []
  for (const f of [HELPER_PATH, POLICY_PATH]) {
    if (existsSync(f)) {
      rmSync(f, { force: true })
      removed.push(f)
    }
  }
  for (const d of [PLUGIN_DIR, dirname(HELPER_PATH)]) {
    try {
      rmdirSync(d)
      removed.push(d)
    } catch {
      // not there, or not empty (something else lives there): leave it
    }
  }
  if (opts.purge && existsSync(STORE_ROOT)) {
    rmSync(STORE_ROOT, { recursive: true, force: true })
    removed.push(STORE_ROOT)
  }
  return { installed: removed }
}

function sha256(path: string): string | null {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex')
  } catch {
    return null
  }
}

export interface HelperStatus {
  pkexec: boolean
  polkitd: boolean
  helperInstalled: boolean
  /** Installed helper equals the one shipped with this Icebox; null when unknown. */
  helperCurrent: boolean | null
  policyInstalled: boolean
  policyCurrent: boolean | null
  /** Reasons the installed helper would be unsafe (node, ownership). */
  problems: string[]
}

/** What `icebox doctor` reports about the user path. */
export function helperStatus(): HelperStatus {
  const problems: string[] = []
  const helperInstalled = existsSync(HELPER_PATH)
  if (helperInstalled) {
    const p = untrustedPathReason(HELPER_PATH)
    if (p) problems.push(p)
    const n = untrustedPathReason(NODE_PATH)
    if (n) problems.push(`Node.js: ${n}`)
  }
  const shippedHelper = findShipped('icebox-helper.cjs')
  const shippedPolicy = findShipped('assets/linux/org.icebox.policy')
  const policyInstalled = existsSync(POLICY_PATH)
  return {
    pkexec: existsSync(PKEXEC_PATH),
    polkitd: existsSync(POLKITD_PATH),
    helperInstalled,
    helperCurrent:
      helperInstalled && shippedHelper ? sha256(HELPER_PATH) === sha256(shippedHelper) : null,
    policyInstalled,
    policyCurrent:
      policyInstalled && shippedPolicy ? sha256(POLICY_PATH) === sha256(shippedPolicy) : null,
    problems
  }
}

/** Resolves a path given on the command line against the current directory. */
export function absolute(p: string | undefined): string | undefined {
  return p === undefined ? undefined : resolve(p)
}
