/**
 * The per-user lock of security-model.md §4.7: a dump holds it from the quota check through
 * publish, so two dumps by the same user cannot both pass the quota check and together exceed it.
 *
 * Node has no flock(2), but flock(1) can lock a descriptor it inherits: the helper opens the lock
 * file (root-only directory, O_NOFOLLOW, checked with fstat) and passes it as fd 3 to
 * `flock --exclusive --wait N 3`. flock locks belong to the open file description, which the
 * helper shares with the child, so when flock exits 0 the helper holds the lock; closing the fd
 * releases it. Chosen over an O_EXCL lock file because the kernel drops the lock when the helper
 * dies (the user can SIGKILL it through its cgroup): no stale lock, so no pid + start-time
 * recovery whose "is it stale? remove it" step would itself race. The fd is O_CLOEXEC (libuv),
 * so CRIU never inherits it.
 *
 * The file also keeps the user's recent dump times for the rate limit (rate-limit.ts): only root
 * can write it, and only the lock's holder does.
 */
import { spawn } from 'node:child_process'
import {
  closeSync,
  constants,
  fstatSync,
  ftruncateSync,
  openSync,
  readSync,
  writeSync
} from 'node:fs'

import { AppError } from '../common/errors'
import { CHILD_ENV } from './criu-argv'

export const FLOCK_PATH = '/usr/bin/flock'
/** flock's exit code when the wait timed out (chosen so it differs from its other failures). */
const CONFLICT_EXIT = 75

export interface UserLock {
  /** What the holder last stored in the lock file ('' at first). */
  readState(): string
  /** Replaces the lock file's contents (only root can write the file). */
  writeState(text: string): void
  release(): void
}

/** Largest state kept in a lock file. */
const MAX_STATE = 64 * 1024

function unsafeLock(path: string, why: string): AppError {
  return new AppError({
    code: 'INTERNAL',
    message: 'The Icebox store is unsafe: its lock file is not what the helper created.',
    why: `${path}: ${why}`,
    remedy: 'Ask the administrator to run "sudo icebox install-helper" again.'
  })
}

/** Opens (creating if needed) a root-owned regular lock file, refusing links and others' files. */
function openLockFile(path: string): number {
  let fd: number
  try {
    fd = openSync(
      path,
      constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK,
      0o600
    )
  } catch (e) {
    throw unsafeLock(path, (e as Error).message)
  }
  const st = fstatSync(fd)
  if (!st.isFile() || st.uid !== 0 || st.nlink !== 1 || (st.mode & 0o077) !== 0) {
    closeSync(fd)
    throw unsafeLock(path, 'not a private root-owned file')
  }
  return fd
}

/**
 * Takes the exclusive lock at `path`, waiting at most `waitSeconds` for another holder. Throws
 * TIMEOUT when the wait runs out.
 */
export async function acquireLock(path: string, waitSeconds: number): Promise<UserLock> {
  const fd = openLockFile(path)
  return new Promise((resolve, reject) => {
    const child = spawn(
      FLOCK_PATH,
      [
        '--exclusive',
        '--wait',
        String(waitSeconds),
        '--conflict-exit-code',
        String(CONFLICT_EXIT),
        '3'
      ],
      { cwd: '/', env: { ...CHILD_ENV }, stdio: ['ignore', 'ignore', 'pipe', fd], shell: false }
    )
    let err = ''
    child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-500)))
    const fail = (e: AppError): void => {
      closeSync(fd)
      reject(e)
    }
    child.on('error', (e) =>
      fail(new AppError({ code: 'INTERNAL', message: 'flock could not run.', why: e.message }))
    )
    child.on('close', (code) => {
      if (code === 0) {
        let held = true
        resolve({
          readState: () => {
            const buf = Buffer.alloc(MAX_STATE)
            return buf.subarray(0, readSync(fd, buf, 0, MAX_STATE, 0)).toString('utf8')
          },
          writeState: (text) => {
            const buf = Buffer.from(text.slice(0, MAX_STATE), 'utf8')
            ftruncateSync(fd, 0)
            writeSync(fd, buf, 0, buf.length, 0)
          },
          release: () => {
            if (held) closeSync(fd)
            held = false
          }
        })
      } else if (code === CONFLICT_EXIT) {
        fail(
          new AppError({
            code: 'TIMEOUT',
            message: 'Another freeze of yours is still being stored.',
            why: `The helper waited ${waitSeconds} s for it; freezes by one user are stored one at a time so that together they stay within your quota.`,
            remedy: 'Wait for the other freeze to finish, then try again.'
          })
        )
      } else {
        fail(
          new AppError({
            code: 'INTERNAL',
            message: 'The helper could not lock your part of the store.',
            why: err.trim() || `flock exited with ${code}`,
            remedy: 'Try again; if it persists, run "icebox doctor".'
          })
        )
      }
    })
  })
}
