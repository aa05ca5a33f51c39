/** The `dump` operation: validate the tree, run CRIU as the user, ingest, verify, publish. */
import { readdirSync, readFileSync, renameSync, rmSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'

import { AppError } from '../common/errors'
import type { DumpRequest, DumpResult } from '../core/privilege/protocol'
import type { HelperConfig } from './config'
import {
  asUserArgv,
  rlimitReset,
  CRIU_PATH,
  dumpCaps,
  EMPTY_PLUGIN_DIR,
  PRLIMIT_PATH,
  SETPRIV_PATH,
  helperDumpPlan,
  unprivDumpArgv
} from './criu-argv'
import { ImageCheckError, verifyImageSet } from './image-creds'
import { OriginError, verifyImageOrigin, type NsIds, type TaskExe } from './image-origin'
import { endHeldTree, KILL_PATH, resumeHeldTree } from './held-tree'
import { ingest } from './ingest'
import { hostFacts, writeManifest } from './manifest'
import { MANIFEST_FORMAT } from '../common/snapshot'
import { recordFlags } from '../core/criu/argv'
import { sameProcess, selfAndAncestors, validateDumpTree } from './proc-check'
import { runChild } from './run'
import { errorLines, readTailSafe, sanitise } from './safe-read'
import {
  checkQuota,
  checkTreeFits,
  ensureRootDir,
  grantRead,
  makeUserWorkDir,
  newSnapshotId,
  ownerTag,
  removeUserDir,
  userImagesDir,
  userLockPath,
  userStagingDir,
  type StoreLayout
} from './store'
import { parseDumpTimes, rateRefusal, recordDump } from './rate-limit'
import { acquireLock, FLOCK_PATH } from './store-lock'
import { requireTrusted } from './trusted-files'
import type { UserInfo } from './users'

const DUMP_TIMEOUT_MS = 10 * 60_000
/** How long a dump waits for the same user's previous dump (at most one CRIU run plus ingest). */
const LOCK_WAIT_S = 12 * 60

/** Yama's ptrace_scope, or null when Yama is not active. */
export function yamaScope(): number | null {
  try {
    const n = Number(readFileSync('/proc/sys/kernel/yama/ptrace_scope', 'utf8').trim())
    return Number.isInteger(n) ? n : null
  } catch {
    return null
  }
}

function readSmall(path: string, max: number): string {
  try {
    return sanitise(readFileSync(path).subarray(0, max).toString('utf8').replace(/\0/g, ' ')).trim()
  } catch {
    return ''
  }
}

/** Boot time in ms since the epoch (btime of /proc/stat). */
function bootMs(): number {
  const m = /^btime\s+([0-9]+)$/m.exec(readFileSync('/proc/stat', 'utf8'))
  return m ? Number(m[1]) * 1000 : 0
}

/** A NUL-separated argument list, each sanitised and the whole capped. */
function readArgs(path: string, max: number): string[] {
  try {
    const raw = readFileSync(path).subarray(0, max).toString('utf8')
    return raw
      .split('\0')
      .filter(Boolean)
      .slice(0, 64)
      .map((a) => sanitise(a).slice(0, 256))
  } catch {
    return []
  }
}

/**
 * The post-dump check of a staged copy (root-only, after ingest): pstree root, every task's
 * creds, exe links against what was read from /proc, namespaces and plugins. Returns the
 * snapshot's namespace ids; throws HELPER_REFUSED with what, why and what to do.
 */
export function verifyStaged(
  dir: string,
  user: Pick<UserInfo, 'uid' | 'groups'>,
  rootPid: number,
  tasks: readonly TaskExe[]
): NsIds {
  let tree
  try {
    tree = verifyImageSet(dir, user.uid, user.groups, rootPid)
  } catch (e) {
    if (!(e instanceof ImageCheckError)) throw e
    throw new AppError({
      code: 'HELPER_REFUSED',
      message: 'The snapshot was rejected: its recorded credentials are not yours.',
      why: e.message,
      remedy: 'The process may be hostile or the image was altered; the snapshot was deleted.'
    })
  }
  try {
    return verifyImageOrigin(dir, tree, { tasks })
  } catch (e) {
    if (!(e instanceof ImageCheckError)) throw e
    throw new AppError({
      code: 'HELPER_REFUSED',
      message: 'The snapshot was rejected: it does not match the processes that were checked.',
      why: e.message,
      remedy:
        e instanceof OriginError
          ? e.remedy
          : 'The image is malformed; the process may be hostile. The snapshot was deleted.'
    })
  }
}

export async function dumpOp(
  req: DumpRequest,
  user: UserInfo,
  l: StoreLayout,
  cfg: HelperConfig
): Promise<DumpResult> {
  requireTrusted([CRIU_PATH, SETPRIV_PATH, PRLIMIT_PATH, FLOCK_PATH, KILL_PATH])
  ensureRootDir(EMPTY_PLUGIN_DIR, 0o755)
  // Held from the quota check through publish (§4.7); the kernel drops it if we are killed.
  const lock = await acquireLock(userLockPath(l, user.uid), LOCK_WAIT_S)
  try {
    const times = parseDumpTimes(lock.readState())
    const now = Date.now()
    const tooOften = rateRefusal(times, now, cfg.maxDumpsPerHour)
    if (tooOften) throw tooOften
    lock.writeState(recordDump(times, now))
    return await dumpLocked(req, user, l, cfg)
  } finally {
    lock.release()
  }
}

async function dumpLocked(
  req: DumpRequest,
  user: UserInfo,
  l: StoreLayout,
  cfg: HelperConfig
): Promise<DumpResult> {
  const budget = checkQuota(l, user.uid, cfg)
  const rules = { uid: user.uid, groups: user.groups, forbidden: selfAndAncestors() }
  const { pids, exes, held } = validateDumpTree(req.pid, req.startTicks, rules)
  checkTreeFits(pids, budget)
  const comm = readSmall(`/proc/${req.pid}/comm`, 64)
  const cmdline = readArgs(`/proc/${req.pid}/cmdline`, 4096)

  const id = newSnapshotId()
  const tag = ownerTag()
  const staging = makeUserWorkDir(userStagingDir(l, user.uid), id, tag, user.uid, user.gid)
  const tmp = join(l.tmp, `${id}.${tag}`)
  try {
    const plan = helperDumpPlan(req.pid, req.startTicks, pids, req.choices)
    const criuArgs = unprivDumpArgv(plan, staging)
    const cmd = asUserArgv(
      user,
      dumpCaps(yamaScope()),
      criuArgs,
      rlimitReset(readFileSync('/proc/self/limits', 'utf8'))
    )
    // Last look before CRIU seizes it: still the same process (pid not reused)?
    if (!sameProcess(req.pid, req.startTicks)) {
      throw new AppError({
        code: 'NO_SUCH_PROCESS',
        message: `Process ${req.pid} exited before it could be frozen.`
      })
    }
    const run = await runChild(cmd.file, cmd.args, DUMP_TIMEOUT_MS)
    if (run.code !== 0) {
      // CRIU resumes the tree when it fails; a CRIU killed by the timeout leaves it to ptrace's
      // detach. Either way the process must run on as before.
      await resumeHeldTree(user, held)
      const log = readTailSafe(join(staging, 'dump.log'), 16384)
      throw new AppError({
        code: 'DUMP_FAILED',
        message: `CRIU could not freeze process ${req.pid}.`,
        why:
          errorLines(log) || (run.timedOut ? 'CRIU timed out.' : sanitise(run.output).slice(-500)),
        remedy: 'Run "icebox check PID" to see what stands in the way.',
        detail: log.slice(-4000)
      })
    }
    // Unless kept running, CRIU left the tree stopped: it ends only once the snapshot is stored.
    const hold = req.choices.keepRunning ? [] : held
    let result: DumpResult
    try {
      mkdirSync(tmp, { mode: 0o700 })
      const files = ingest(staging, tmp, user.uid, budget)
      const namespaces = verifyStaged(tmp, user, req.pid, exes)
      const bytes = files.reduce((s, f) => s + f.size, 0)
      const pages = files.filter((f) => f.name.startsWith('pages-')).reduce((n, f) => n + f.size, 0)
      writeManifest(tmp, {
        format: MANIFEST_FORMAT,
        id,
        name: req.name ?? (comm || `pid ${req.pid}`),
        createdAt: new Date().toISOString(),
        source: {
          pid: req.pid,
          name: comm,
          cmdline,
          uid: user.uid,
          user: user.name,
          startTime: new Date(bootMs() + (req.startTicks * 1000) / 100).toISOString(),
          startTicks: req.startTicks,
          exe: exes[0]?.exe ?? null,
          cwd: null,
          sessionLeader: !req.choices.shellJob,
          tty: null
        },
        flags: recordFlags(plan, [CRIU_PATH, ...criuArgs]),
        findings: [],
        warnings: [],
        ...hostFacts(),
        sizes: { total: bytes, pages },
        keptRunning: req.choices.keepRunning,
        stats: null,
        restores: [],
        preflight: { pids, files: [], exes: [], extUnixPeers: [] },
        helper: {
          mode: 'user',
          uid: user.uid,
          rootPid: req.pid,
          pids,
          choices: req.choices,
          files,
          tasks: exes,
          namespaces
        }
      })
      for (const f of readdirSync(tmp)) grantRead(join(tmp, f), user.uid, false)
      grantRead(tmp, user.uid, true)
      const dest = join(userImagesDir(l, user.uid), id)
      renameSync(tmp, dest)
      result = { op: 'dump', id, dir: dest, bytes }
    } catch (e) {
      await resumeHeldTree(user, hold)
      throw hold.length > 0 ? resumedAfterRefusal(e, req.pid) : e
    }
    await endHeldTree(user, hold)
    return result
  } finally {
    rmSync(tmp, { recursive: true, force: true })
    try {
      removeUserDir(staging)
    } catch {
      // Retried by the next run's stale cleanup.
    }
  }
}

/** A refusal after CRIU ran, saying that the process was let go on rather than ended. */
function resumedAfterRefusal(e: unknown, pid: number): unknown {
  if (!(e instanceof AppError)) return e
  const note = `Process ${pid} was not ended: it keeps running as before, and nothing was stored.`
  return new AppError({
    code: e.code,
    message: `${e.message} ${note}`,
    ...(e.why !== undefined && { why: e.why }),
    ...(e.remedy !== undefined && { remedy: e.remedy }),
    ...(e.detail !== undefined && { detail: e.detail })
  })
}
