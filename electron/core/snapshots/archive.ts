/**
 * Export and import of a snapshot as a tar archive: `<id>/…` with the images, the manifest and
 * SHA256SUMS (sha256sum format). Import lists the archive first, extracts into a hidden
 * directory, verifies every checksum and the manifest, and only then renames it into the store:
 * a bad archive leaves nothing behind.
 */
import { createHash, randomBytes } from 'node:crypto'
import {
  chmodSync,
  createReadStream,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync
} from 'node:fs'
import { join } from 'node:path'

import { execa } from 'execa'

import { AppError } from '../../common/errors'
import { isSnapshotId, type Manifest } from '../../common/snapshot'
import { MANIFEST_NAME, parseManifest, writeFileAtomic, type SnapshotStore } from './store'

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

/** Writes `file` (a tar archive of the snapshot with checksums). */
export async function exportSnapshot(
  store: SnapshotStore,
  id: string,
  file: string
): Promise<void> {
  store.get(id)
  const dir = store.dir(id)
  const lines: string[] = []
  for (const name of regularFiles(dir).sort())
    lines.push(`${await sha256File(join(dir, name))}  ${name}`)
  writeFileAtomic(join(dir, SUMS_NAME), lines.join('\n') + '\n')
  const tmp = `${file}.${randomBytes(3).toString('hex')}.part`
  const r = await execa(
    TAR,
    ['-cf', tmp, '--owner=0', '--group=0', '--numeric-owner', '-C', store.root, '--', id],
    { reject: false, env: TAR_ENV, extendEnv: false, all: true }
  )
  if (r.exitCode !== 0) {
    rmSync(tmp, { force: true })
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
  const manifest = parseManifest(readFileSync(join(dir, MANIFEST_NAME), 'utf8'), id)
  if (!manifest) throw bad(file, 'its manifest.json is not valid.')
  return manifest
}

/** Imports an archive into the store; returns the manifest. Nothing is left on failure. */
export async function importSnapshot(store: SnapshotStore, file: string): Promise<Manifest> {
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
