/**
 * The system store of Mode U (security-model.md §4.3, option A):
 *
 *   /var/lib/icebox/                 root 0711
 *     images/                        root 0711
 *       <uid>/                       root 0700 + ACL u:<uid>:r-x
 *         <id>/                      root 0700 + ACL u:<uid>:r-x; files root 0600 + ACL u:<uid>:r--
 *     staging/                       root 0711
 *       <uid>/                       root 0711 (the user cannot rename what is inside)
 *         <id>.<owner>/              user 0700: CRIU (as the user) writes here
 *     tmp/                           root 0700: ingest and delete in progress (same filesystem)
 *     locks/                         root 0700: <uid>.lock, the per-user dump lock (store-lock.ts)
 *
 * Work in progress is named after the helper that owns it (`<pid>-<start ticks>`), so a later run
 * can tell a crashed helper's leftovers from a live one's and remove them.
 */
import { execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statfsSync
} from 'node:fs'
import { join } from 'node:path'

import { AppError } from '../common/errors'
import { STORE_ROOT } from '../core/privilege/protocol'
import { CHILD_ENV, SETPRIV_PATH } from './criu-argv'
import type { HelperConfig } from './config'
import { parseStat } from './proc-check'

export interface StoreLayout {
  root: string
  images: string
  staging: string
  tmp: string
  locks: string
}

export function layout(root = STORE_ROOT): StoreLayout {
  return {
    root,
    images: join(root, 'images'),
    staging: join(root, 'staging'),
    tmp: join(root, 'tmp'),
    locks: join(root, 'locks')
  }
}

/** Tag naming this helper run: pid and start time, so reuse of the pid is detected. */
export function ownerTag(): string {
  const st = parseStat(readFileSync('/proc/self/stat', 'utf8'))
  return `${process.pid}-${st?.startTicks ?? 0}`
}

/** Whether the helper named by a tag is still running. */
export function ownerAlive(tag: string): boolean {
  const m = /^([0-9]+)-([0-9]+)$/.exec(tag)
  if (!m) return false
  try {
    return parseStat(readFileSync(`/proc/${m[1]}/stat`, 'utf8'))?.startTicks === Number(m[2])
  } catch {
    return false
  }
}

/** Creates (or checks) a root-owned directory with exactly `mode`; refuses symlinks and others' dirs. */
export function ensureRootDir(path: string, mode: number): void {
  try {
    mkdirSync(path, { mode })
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
  }
  const st = lstatSync(path)
  if (!st.isDirectory() || st.uid !== 0) {
    throw new AppError({
      code: 'INTERNAL',
      message: `The Icebox store is unsafe: ${path} is not a root-owned directory.`,
      remedy: 'Ask the administrator to run "sudo icebox install-helper" again.'
    })
  }
  if (st.gid !== 0) chownSync(path, 0, 0)
  if ((st.mode & 0o7777) !== mode) chmodSync(path, mode)
}

/** Makes sure the shared part of the layout exists with the right owners and modes. */
export function ensureLayout(l: StoreLayout): void {
  ensureRootDir(l.root, 0o711)
  ensureRootDir(l.images, 0o711)
  ensureRootDir(l.staging, 0o711)
  ensureRootDir(l.tmp, 0o700)
  ensureRootDir(l.locks, 0o700)
}

/** The user's dump lock file (held from the quota check through publish). */
export function userLockPath(l: StoreLayout, uid: number): string {
  return join(l.locks, `${uid}.lock`)
}

/** Grants the user read access to a path through an ACL entry (and nothing else). */
export function grantRead(path: string, uid: number, isDir: boolean): void {
  execFileSync('/usr/bin/setfacl', ['-m', `u:${uid}:${isDir ? 'r-x' : 'r--'}`, '--', path], {
    env: CHILD_ENV,
    stdio: 'ignore'
  })
}

/** The user's directory of finished snapshots (created on first use). */
export function userImagesDir(l: StoreLayout, uid: number): string {
  const dir = join(l.images, String(uid))
  ensureRootDir(dir, 0o700)
  grantRead(dir, uid, true)
  return dir
}

/** The user's staging parent (root 0711: the user may enter but not rename or add). */
export function userStagingDir(l: StoreLayout, uid: number): string {
  const dir = join(l.staging, String(uid))
  ensureRootDir(dir, 0o711)
  return dir
}

/** Creates a fresh user-owned 0700 directory under the user's staging parent. */
export function makeUserWorkDir(
  parent: string,
  prefix: string,
  tag: string,
  uid: number,
  gid: number
): string {
  const dir = join(parent, `${prefix}.${tag}`)
  mkdirSync(dir, { mode: 0o700 })
  chownSync(dir, uid, gid)
  return dir
}

/**
 * Removes a user-owned directory tree without ever following the user's symlinks as root: the
 * contents are removed by `rm` running as that user, then root removes the (now empty) directory,
 * whose parent only root can write.
 */
export function removeUserDir(dir: string): void {
  let st
  try {
    st = lstatSync(dir)
  } catch {
    return
  }
  if (!st.isDirectory()) {
    rmSync(dir, { force: true })
    return
  }
  if (st.uid !== 0) {
    try {
      execFileSync(
        SETPRIV_PATH,
        [
          '--reuid',
          String(st.uid),
          '--regid',
          String(st.gid),
          '--clear-groups',
          '--',
          '/usr/bin/find',
          dir,
          '-mindepth',
          '1',
          '-delete'
        ],
        { env: CHILD_ENV, stdio: 'ignore', timeout: 120_000 }
      )
    } catch {
      // Whatever the user made undeletable stays; rmdir below then fails and we report it.
    }
  }
  rmdirSync(dir)
}

/** Removes leftovers of helpers that died (killed mid-dump, mid-ingest or mid-delete). */
export function cleanStale(l: StoreLayout): string[] {
  const removed: string[] = []
  for (const name of safeReaddir(l.tmp)) {
    const tag = name.slice(name.lastIndexOf('.') + 1)
    if (ownerAlive(tag)) continue
    // tmp is root-only: nothing in it was ever writable by a user, a recursive remove is safe.
    rmSync(join(l.tmp, name), { recursive: true, force: true })
    removed.push(join(l.tmp, name))
  }
  for (const uidDir of safeReaddir(l.staging)) {
    if (!/^[0-9]+$/.test(uidDir)) continue
    const parent = join(l.staging, uidDir)
    for (const name of safeReaddir(parent)) {
      const tag = name.slice(name.lastIndexOf('.') + 1)
      if (ownerAlive(tag)) continue
      try {
        removeUserDir(join(parent, name))
        removed.push(join(parent, name))
      } catch {
        // A leftover we cannot remove now is retried next time.
      }
    }
  }
  return removed
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}

/** Count and bytes of a user's finished snapshots. */
export function userUsage(l: StoreLayout, uid: number): { count: number; bytes: number } {
  const dir = join(l.images, String(uid))
  let count = 0
  let bytes = 0
  for (const id of safeReaddir(dir)) {
    count++
    for (const f of safeReaddir(join(dir, id))) {
      try {
        bytes += lstatSync(join(dir, id, f)).size
      } catch {
        // vanished: deleted concurrently
      }
    }
  }
  return { count, bytes }
}

/** Free bytes on the store's filesystem (for unprivileged use, i.e. excluding root's reserve). */
export function freeBytes(l: StoreLayout): number {
  const s = statfsSync(l.root)
  return Number(s.bavail) * Number(s.bsize)
}

/** Bytes the user may still add: quota minus usage, and never below the free-space floor. */
export function checkQuota(l: StoreLayout, uid: number, cfg: HelperConfig): number {
  const use = userUsage(l, uid)
  if (use.count >= cfg.maxSnapshotsPerUser) {
    throw quotaError(
      `You already keep ${use.count} snapshots (the limit is ${cfg.maxSnapshotsPerUser}).`
    )
  }
  const byQuota = cfg.maxBytesPerUser - use.bytes
  const byFloor = freeBytes(l) - cfg.minFreeBytes
  if (byQuota <= 0) throw quotaError('Your snapshots already use all the space you are allowed.')
  if (byFloor <= 0) {
    throw new AppError({
      code: 'NO_SPACE',
      message: 'There is not enough free disk space for a snapshot.',
      why: 'The system keeps a minimum of free space on /var/lib/icebox.',
      remedy: 'Delete old snapshots (icebox rm ID) or ask the administrator to free space.'
    })
  }
  return Math.min(byQuota, byFloor)
}

/**
 * Resident memory of the tree in bytes (VmRSS of each process), which is about what its images
 * will take. Checked against the budget before CRIU runs: a dump refused at ingest would already
 * have stopped a process frozen without --keep-running.
 */
export function treeResidentBytes(pids: readonly number[]): number {
  let total = 0
  for (const pid of pids) {
    try {
      const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
      if (m) total += Number(m[1]) * 1024
    } catch {
      // exited: it takes no space
    }
  }
  return total
}

/** Refuses a dump whose tree's memory alone is larger than what the user may still store. */
export function checkTreeFits(pids: readonly number[], budget: number): void {
  const need = treeResidentBytes(pids)
  if (need <= budget) return
  const mib = (n: number): string => `${Math.ceil(n / 1024 ** 2)} MiB`
  throw quotaError(
    `This process tree holds about ${mib(need)} in memory, more than the ${mib(budget)} your snapshots may still use. Nothing was frozen.`
  )
}

export function quotaError(message: string): AppError {
  return new AppError({
    code: 'QUOTA_EXCEEDED',
    message,
    why: 'Snapshots in the system store count against a per-user limit set by the administrator.',
    remedy: 'Delete snapshots you no longer need (icebox rm ID).'
  })
}

/** A fresh snapshot id (UUIDv4). */
export function newSnapshotId(): string {
  return randomUUID()
}

/** Moves a finished snapshot out of sight atomically, then removes it (root-owned contents). */
export function deleteSnapshotDir(l: StoreLayout, uid: number, id: string, tag: string): void {
  const src = join(l.images, String(uid), id)
  const trash = join(l.tmp, `del-${id}.${tag}`)
  renameSync(src, trash)
  rmSync(trash, { recursive: true, force: true })
}
