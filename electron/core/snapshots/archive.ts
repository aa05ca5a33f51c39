/**
 * Export and import of a snapshot as a tar archive: `<id>/…` with the images, the manifest and
 * SHA256SUMS (sha256sum format). Export never writes into the snapshot directory (a user may not
 * write the root-owned store, and the helper refuses to restore a directory holding a file it did
 * not store): the checksums and the tar staging live in a temporary directory. Import lists the
 * archive first, extracts into a hidden directory, verifies every checksum and the manifest, and
 * only then renames it into the store: a bad archive leaves nothing behind.
 */
import { createHash, randomBytes } from 'node:crypto'
import {
  chmodSync,
  createReadStream,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'

import { execa } from 'execa'

import { AppError } from '../../common/errors'
import { checkManifest } from '../../common/manifest-schema'
import { isSnapshotId, type Manifest } from '../../common/snapshot'
import { MANIFEST_NAME, SYSTEM_STORE, type SnapshotStore } from './store'

export const SUMS_NAME = 'SHA256SUMS'
const TAR = '/usr/bin/tar'
const TAR_ENV = { PATH: '/usr/bin:/bin', LC_ALL: 'C' }
const NAME_RE = /^[A-Za-z0-9._-]+$/

/** sha256 of a file, hex. */
export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256')
    createReadStream(path)
      .on('data', (c) => h.update(c))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')))
  })
}

/** Regular files of a snapshot directory (flat: CRIU writes no subdirectories). */
function regularFiles(dir: string): string[] {
  return readdirSync(dir).filter((n) => n !== SUMS_NAME && lstatSync(join(dir, n)).isFile())
}

/** Parses SHA256SUMS text into name → hash; null when malformed. */
export function parseSums(text: string): Map<string, string> | null {
  const sums = new Map<string, string>()
  for (const line of text.split('\n')) {
    if (line === '') continue
    const m = /^([0-9a-f]{64}) [ *]([^/\s]+)$/.exec(line)
    if (!m || !NAME_RE.test(m[2] ?? '') || sums.has(m[2] ?? '')) return null
    sums.set(m[2] ?? '', m[1] ?? '')
  }
  return sums
}

function unreadable(id: string, err: unknown): AppError {
  return new AppError({
    code: 'PERMISSION_DENIED',
    message: `Snapshot ${id} could not be read for export.`,
    why: `${(err as Error).message.slice(0, 300)}. The system store is owned by root; a file of this snapshot is not readable by you.`,
    remedy: `Export it as root: sudo icebox export ${id} FILE.`
  })
}

/**
 * Writes `file` (a tar archive of the snapshot with checksums). The snapshot directory is only
 * read: the archive is made from a temporary staging directory of links to its files plus the
 * SHA256SUMS written there (tar -h stores the files the links point to).
 */
export async function exportSnapshot(
  store: SnapshotStore,
  id: string,
  file: string
): Promise<void> {
  store.get(id)
  const dir = store.dir(id)
  const stage = mkdtempSync(join(tmpdir(), 'icebox-export-'))
  const tmp = `${file}.${randomBytes(3).toString('hex')}.part`
  try {
    const staged = join(stage, id)
    mkdirSync(staged, { mode: 0o700 })
    const lines: string[] = []
    for (const name of regularFiles(dir).sort()) {
      let hash: string
      try {
        hash = await sha256File(join(dir, name))
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code
        if (code === 'EACCES' || code === 'EPERM') throw unreadable(id, err)
        throw err
      }
      lines.push(`${hash}  ${name}`)
      symlinkSync(join(dir, name), join(staged, name))
    }
    writeFileSync(join(staged, SUMS_NAME), lines.join('\n') + '\n', { mode: 0o600 })
    const r = await execa(
      TAR,
      ['-chf', tmp, '--owner=0', '--group=0', '--numeric-owner', '-C', stage, '--', id],
      { reject: false, env: TAR_ENV, extendEnv: false, all: true }
    )
    if (r.exitCode !== 0) {
      throw new AppError({
        code: 'INTERNAL',
        message: `Could not write ${file}.`,
        why: String(r.all ?? '')
          .trim()
          .slice(0, 500),
        remedy: 'Check that the directory exists and has free space.'
      })
    }
    renameSync(tmp, file)
  } finally {
    rmSync(tmp, { force: true })
    rmSync(stage, { recursive: true, force: true })
  }
}

function bad(file: string, why: string): AppError {
  return new AppError({
    code: 'SNAPSHOT_DAMAGED',
    message: `${file} is not a valid Icebox snapshot archive.`,
    why,
    remedy: 'Export the snapshot again from its source; nothing was imported.'
  })
}

/** Lists the archive and returns the single snapshot id it holds; refuses anything unusual. */
async function inspectArchive(file: string): Promise<string> {
  let isFile = false
  try {
    isFile = statSync(file).isFile()
  } catch {
    // said below
  }
  if (!isFile) {
    throw new AppError({
      code: 'BAD_INPUT',
      message: `There is no archive file ${file}.`,
      remedy: 'Give the path of a file made by `icebox export`; nothing was imported.'
    })
  }
  const r = await execa(TAR, ['-tvf', file], { reject: false, env: TAR_ENV, extendEnv: false })
  if (r.exitCode !== 0) throw bad(file, 'tar cannot read it.')
  let id: string | null = null
  for (const line of String(r.stdout).split('\n')) {
    if (line.trim() === '') continue
    const type = line[0]
    const name = line.trim().split(/\s+/).pop() ?? ''
    if (type !== '-' && type !== 'd') throw bad(file, `it holds a link or special file (${name}).`)
    const m = /^([^/]+)\/?(?:([^/]+))?$/.exec(name)
    const top = m?.[1] ?? ''
    if (!m || !isSnapshotId(top) || (m[2] !== undefined && !NAME_RE.test(m[2]))) {
      throw bad(file, `it holds an unexpected path (${name.slice(0, 200)}).`)
    }
    if (id !== null && id !== top) throw bad(file, 'it holds more than one snapshot.')
    id = top
  }
  if (id === null) throw bad(file, 'it is empty.')
  return id
}

async function verify(file: string, dir: string, id: string): Promise<Manifest> {
  const sumsPath = join(dir, SUMS_NAME)
  if (!existsSync(sumsPath)) throw bad(file, `it has no ${SUMS_NAME}.`)
  const sums = parseSums(readFileSync(sumsPath, 'utf8'))
  if (!sums) throw bad(file, `its ${SUMS_NAME} is malformed.`)
  const files = regularFiles(dir)
  for (const name of files) {
    const want = sums.get(name)
    if (!want) throw bad(file, `${name} is not covered by the checksums.`)
    if ((await sha256File(join(dir, name))) !== want) {
      throw bad(file, `the checksum of ${name} does not match: the archive was changed or damaged.`)
    }
  }
  for (const name of sums.keys()) if (!files.includes(name)) throw bad(file, `${name} is missing.`)
  if (!files.includes(MANIFEST_NAME)) throw bad(file, `it has no ${MANIFEST_NAME}.`)
  const r = checkManifest(readFileSync(join(dir, MANIFEST_NAME), 'utf8'), id)
  if (!r.ok) throw bad(file, `its ${MANIFEST_NAME} is not valid: ${r.problem}.`)
  return r.manifest
}

/**
 * Refuses an import a user cannot do: the system store (/var/lib/icebox/images) is written only
 * by root and the helper, and the helper has no import operation.
 */
export function checkImportAllowed(storeRoot: string, euid = process.geteuid?.() ?? 0): void {
  const rel = relative(SYSTEM_STORE, resolve(storeRoot))
  const inSystemStore = rel === '' || (!rel.startsWith('..') && !rel.startsWith('/'))
  if (euid === 0 || !inSystemStore) return
  throw new AppError({
    code: 'PERMISSION_DENIED',
    message: 'Importing a snapshot into the system store needs root.',
    why:
      `The store ${storeRoot} is owned by root and written only by the Icebox helper, ` +
      'which cannot import archives: a snapshot it restores must be one it stored itself.',
    remedy:
      'Import it as root (sudo icebox import FILE), or into a store of your own with --store DIR.'
  })
}

/** Imports an archive into the store; returns the manifest. Nothing is left on failure. */
export async function importSnapshot(store: SnapshotStore, file: string): Promise<Manifest> {
  checkImportAllowed(store.root)
  const id = await inspectArchive(file)
  if (existsSync(store.dir(id))) {
    throw new AppError({
      code: 'BAD_INPUT',
      message: `Snapshot ${id} is already in the store.`,
      remedy: `Remove it first (icebox rm ${id}) if you want to replace it.`
    })
  }
  const tmp = join(store.root, `.import-${randomBytes(4).toString('hex')}`)
  rmSync(tmp, { recursive: true, force: true })
  try {
    mkdirSync(tmp, { mode: 0o700 })
    const r = await execa(
      TAR,
      ['-xf', file, '-C', tmp, '--no-same-owner', '--no-same-permissions', '--', id],
      { reject: false, env: TAR_ENV, extendEnv: false, all: true }
    )
    if (r.exitCode !== 0) throw bad(file, `tar failed: ${String(r.all ?? '').slice(0, 300)}`)
    const dir = join(tmp, id)
    const manifest = await verify(file, dir, id)
    chmodSync(dir, 0o700)
    for (const name of regularFiles(dir)) chmodSync(join(dir, name), 0o600)
    renameSync(dir, store.dir(id))
    return manifest
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}
