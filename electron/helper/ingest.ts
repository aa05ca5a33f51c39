/**
 * Ingest of a dump from the user-writable staging directory into a root-only directory
 * (security-model.md §4.5). Every file the user could have tampered with is opened with
 * O_NOFOLLOW|O_NONBLOCK, checked with fstat (regular, owned by the user, one link, within caps)
 * and copied into an inode root creates. `pages-*.img` (the process's own memory) is moved
 * instead (decision 5), after checking that the moved inode is the one that was checked.
 */
import { createHash } from 'node:crypto'
import {
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  writeSync,
  type Stats
} from 'node:fs'
import { join } from 'node:path'

import { AppError } from '../common/errors'
import { quotaError } from './store'

/** CRIU image names: lower-case words, digits, dashes and dots; short; no path characters. */
export const IMAGE_NAME_RE =
  /^(?:[a-z][a-z0-9_-]{0,47}(?:\.[a-z0-9]{1,8}){0,3}\.img|dump\.log|stats-dump)$/
/** Most files one snapshot may have. */
export const MAX_FILES = 2000
/** Largest single non-pages file (pages are bounded by the byte budget only). */
export const MAX_SMALL_FILE = 256 * 1024 * 1024

const PAGES_RE = /^pages-[0-9]{1,10}\.img$/
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK
const CREATE_FLAGS =
  constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW

export interface IngestedFile {
  name: string
  size: number
  /** sha256 of copied files; moved pages images are not hashed. */
  sha256?: string
}

function rejected(why: string, detail?: string): AppError {
  return new AppError({
    code: 'HELPER_REFUSED',
    message: 'The snapshot was rejected while it was being stored.',
    why,
    remedy: 'Something changed the snapshot files while they were written; try again.',
    ...(detail !== undefined && { detail })
  })
}

function sameInode(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino
}

/**
 * Moves or copies every staged file into `destDir` (an empty root-only directory on the same
 * filesystem). Throws HELPER_REFUSED on anything unexpected and QUOTA_EXCEEDED past `budget`.
 */
export function ingest(
  stagingDir: string,
  destDir: string,
  uid: number,
  budget: number
): IngestedFile[] {
  const names = readdirSync(stagingDir)
  if (names.length > MAX_FILES) throw rejected(`it has more than ${MAX_FILES} files`)
  const out: IngestedFile[] = []
  let total = 0
  for (const name of names) {
    if (!IMAGE_NAME_RE.test(name)) {
      throw rejected('it holds a file with an unexpected name', JSON.stringify(name.slice(0, 80)))
    }
    const src = join(stagingDir, name)
    // lstat first so a FIFO or device is refused without ever being opened.
    const pre = lstatSync(src)
    if (!pre.isFile()) throw rejected(`${name} is not a regular file`)
    let fd: number
    try {
      fd = openSync(src, OPEN_FLAGS)
    } catch (e) {
      throw rejected(`${name} could not be opened safely`, (e as Error).message)
    }
    try {
      const st = fstatSync(fd)
      if (!st.isFile() || !sameInode(st, pre)) throw rejected(`${name} changed while being checked`)
      if (st.uid !== uid) throw rejected(`${name} is not owned by you`)
      if (st.nlink !== 1) throw rejected(`${name} has other hard links`)
      total += st.size
      if (total > budget) throw quotaError('This snapshot would exceed your storage quota.')
      const dest = join(destDir, name)
      if (PAGES_RE.test(name)) {
        renameSync(src, dest)
        const moved = lstatSync(dest)
        if (!moved.isFile() || !sameInode(moved, st) || moved.nlink !== 1) {
          throw rejected(`${name} was replaced while being stored`)
        }
        fchownSync(fd, 0, 0)
        fchmodSync(fd, 0o600)
        out.push({ name, size: st.size })
      } else {
        if (st.size > MAX_SMALL_FILE) throw rejected(`${name} is too large`)
        out.push(copyFd(fd, dest, name, st.size))
      }
    } finally {
      closeSync(fd)
    }
  }
  return out
}

/** Copies at most `size` bytes (the size checked by fstat) into a new root-owned 0600 file. */
function copyFd(fd: number, dest: string, name: string, size: number): IngestedFile {
  const outFd = openSync(dest, CREATE_FLAGS, 0o600)
  const hash = createHash('sha256')
  const buf = Buffer.allocUnsafe(1024 * 1024)
  let copied = 0
  try {
    while (copied < size) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, size - copied), copied)
      if (n === 0) break
      hash.update(buf.subarray(0, n))
      writeAll(outFd, buf.subarray(0, n))
      copied += n
    }
    if (copied !== size) throw rejected(`${name} shrank while being copied`)
    fsyncSync(outFd)
  } finally {
    closeSync(outFd)
  }
  return { name, size, sha256: hash.digest('hex') }
}

/** writeSync may write less than asked (e.g. RLIMIT_FSIZE); loop, and let errors throw. */
export function writeAll(fd: number, data: Uint8Array): void {
  let off = 0
  while (off < data.length) {
    const n = writeSync(fd, data, off, data.length - off)
    if (n <= 0) throw new Error('short write')
    off += n
  }
}
