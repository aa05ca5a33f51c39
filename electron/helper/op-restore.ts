/** The `restore` operation: only the caller's own stored snapshot, creds checked first. */
import { createHash } from 'node:crypto'
import { lstatSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

import { AppError } from '../common/errors'
import type { RestoreRequest, RestoreResult } from '../core/privilege/protocol'
import type { HelperConfig } from './config'
import {
  asUserArgv,
  rlimitReset,
  CRIU_PATH,
  EMPTY_PLUGIN_DIR,
  PRLIMIT_PATH,
  restoreCaps,
  SETPRIV_PATH,
  unprivRestoreArgv
} from './criu-argv'
import { ImageCheckError, verifyImageSet } from './image-creds'
import { verifyImageOrigin } from './image-origin'
import { MANIFEST_NAME, readManifest, type HelperManifest } from './manifest'
import { parseStatus } from './proc-check'
import { runChild } from './run'
import { errorLines, readTailSafe } from './safe-read'
import {
  ensureRootDir,
  makeUserWorkDir,
  newSnapshotId,
  ownerTag,
  removeUserDir,
  userStagingDir,
  type StoreLayout
} from './store'
import { requireTrusted } from './trusted-files'
import type { UserInfo } from './users'

const RESTORE_TIMEOUT_MS = 10 * 60_000

export function notFound(id: string): AppError {
  return new AppError({
    code: 'SNAPSHOT_NOT_FOUND',
    message: `You have no snapshot ${id} in the system store.`,
    remedy: 'Run "icebox snapshots" to see your snapshots.'
  })
}

/** The caller's snapshot directory, after checking it is a real root-owned directory. */
export function ownSnapshotDir(l: StoreLayout, uid: number, id: string): string {
  const dir = join(l.images, String(uid), id)
  try {
    const st = lstatSync(dir)
    if (st.isDirectory() && st.uid === 0) return dir
  } catch {
    // fall through
  }
  throw notFound(id)
}

function damaged(id: string, why: string): AppError {
  return new AppError({
    code: 'HELPER_REFUSED',
    message: `Snapshot ${id} will not be restored.`,
    why,
    remedy: 'Delete it (icebox rm ID); it cannot be trusted.'
  })
}

/** The store copy must hold exactly the files the manifest lists, with the same contents. */
function checkFiles(dir: string, m: HelperManifest): void {
  const listed = new Map(m.helper.files.map((f) => [f.name, f]))
  for (const name of readdirSync(dir)) {
    if (name === MANIFEST_NAME) continue
    const f = listed.get(name)
    if (!f) throw damaged(m.id, `unexpected file ${name}`)
    const st = lstatSync(join(dir, name))
    if (!st.isFile() || st.size !== f.size || st.uid !== 0) throw damaged(m.id, `${name} changed`)
    if (
      f.sha256 &&
      createHash('sha256')
        .update(readFileSync(join(dir, name)))
        .digest('hex') !== f.sha256
    ) {
      throw damaged(m.id, `${name} changed`)
    }
    listed.delete(name)
  }
  if (listed.size > 0) throw damaged(m.id, `missing ${[...listed.keys()][0]}`)
}

export async function restoreOp(
  req: RestoreRequest,
  user: UserInfo,
  l: StoreLayout,
  cfg: HelperConfig
): Promise<RestoreResult> {
  requireTrusted([CRIU_PATH, SETPRIV_PATH, PRLIMIT_PATH])
  ensureRootDir(EMPTY_PLUGIN_DIR, 0o755)
  const dir = ownSnapshotDir(l, user.uid, req.id)
  const m = readManifest(dir)
  if (!m || m.id !== req.id || m.helper.uid !== user.uid)
    throw damaged(req.id, 'its manifest is missing or not yours')
  checkFiles(dir, m)
  const { tasks, namespaces } = m.helper
  if (!Array.isArray(tasks) || typeof namespaces !== 'object' || namespaces === null) {
    throw new AppError({
      code: 'HELPER_REFUSED',
      message: `Snapshot ${req.id} will not be restored.`,
      why: 'It was stored by an older helper that did not record its programs and namespaces, so the images cannot be checked against them.',
      remedy: 'Delete it (icebox rm ID) and freeze the process again.'
    })
  }
  let tree
  try {
    tree = verifyImageSet(dir, user.uid, user.groups, m.helper.rootPid)
    verifyImageOrigin(dir, tree, { tasks, namespaces })
  } catch (e) {
    if (e instanceof ImageCheckError) throw damaged(req.id, e.message)
    throw e
  }
  const busy = tree.find((t) => pidInUse(t.pid))
  if (busy) {
    throw new AppError({
      code: 'RESTORE_PREFLIGHT',
      message: `Process id ${busy.pid} is in use, so the snapshot cannot be restored now.`,
      why: 'CRIU gives restored processes their original pids; the original may still be running.',
      remedy: `Close process ${busy.pid} (or wait for it to exit) and try again.`
    })
  }
  const work = makeUserWorkDir(
    userStagingDir(l, user.uid),
    `w-${newSnapshotId()}`,
    ownerTag(),
    user.uid,
    user.gid
  )
  try {
    const cmd = asUserArgv(
      user,
      restoreCaps(cfg.extraRestoreCaps),
      unprivRestoreArgv(m.flags, dir, work),
      rlimitReset(readFileSync('/proc/self/limits', 'utf8'))
    )
    const run = await runChild(cmd.file, cmd.args, RESTORE_TIMEOUT_MS)
    if (run.code !== 0) {
      const log = readTailSafe(join(work, 'restore.log'), 16384)
      const why = errorLines(log) || (run.timedOut ? 'CRIU timed out.' : '')
      throw new AppError({
        code: 'RESTORE_FAILED',
        message: `CRIU could not restore snapshot ${req.id}.`,
        why,
        remedy: /drop capability/.test(log)
          ? 'This system lacks capabilities CRIU needs; the administrator can set "extra_restore_caps = setpcap" in /etc/icebox/helper.conf.'
          : 'See the log excerpt; "icebox show ID" lists what the snapshot needs.',
        detail: log.slice(-4000)
      })
    }
    postCheck(m.helper.rootPid, user.uid)
    return { op: 'restore', id: req.id, rootPid: m.helper.rootPid }
  } finally {
    try {
      removeUserDir(work)
    } catch {
      // Retried by the next run's stale cleanup.
    }
  }
}

function pidInUse(pid: number): boolean {
  try {
    lstatSync(`/proc/${pid}`)
    return true
  } catch {
    return false
  }
}

/** Defence in depth: the restored root runs as the user with no capabilities, or it is killed. */
function postCheck(pid: number, uid: number): void {
  let s
  try {
    s = parseStatus(readFileSync(`/proc/${pid}/status`, 'utf8'))
  } catch {
    return // exited already: nothing to check
  }
  if (!s) return
  if (s.uids.some((u) => u !== uid) || s.capPrm | s.capEff | s.capAmb | s.capInh) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // gone
    }
    throw new AppError({
      code: 'HELPER_REFUSED',
      message: 'The restored process had unexpected privileges and was killed.',
      remedy: 'Delete the snapshot and report this.'
    })
  }
}
