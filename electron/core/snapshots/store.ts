/**
 * The snapshot store of the root path: one 0700 directory per snapshot under
 * `/var/lib/icebox/images/<uid>/` (or `--store DIR` / ICEBOX_STORE), holding CRIU's images, the
 * logs and manifest.json. A dump goes into `.tmp-<id>` and is renamed into place only after criu
 * exited 0; a failed dump keeps only `failed/<id>/` with its log and a small record.
 */
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { join } from 'node:path'

import { AppError } from '../../common/errors'
import { checkManifest } from '../../common/manifest-schema'
import { isSnapshotId, type FailureRecord, type Manifest } from '../../common/snapshot'
import { randomHex } from './random-hex'

export const MANIFEST_NAME = 'manifest.json'
export const FAILURE_NAME = 'failure.json'
export const SYSTEM_STORE = '/var/lib/icebox/images'
const TMP_PREFIX = '.tmp-'
const FAILED_DIR = 'failed'

/** The store root for this user: ICEBOX_STORE / --store, else /var/lib/icebox/images/<uid>. */
export function defaultStoreRoot(uid = process.getuid?.() ?? 0): string {
  const env = process.env.ICEBOX_STORE
  return env && env.length > 0 ? env : join(SYSTEM_STORE, String(uid))
}

/** A new id: UTC time to the second plus 6 random hex digits (sorts by creation time). */
export function newSnapshotId(now = new Date()): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0')
  const date = `${p(now.getUTCFullYear(), 4)}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}`
  const time = `${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`
  return `${date}-${time}-${randomHex(3)}`
}

/** Throws BAD_INPUT unless `id` is a well-formed snapshot id. */
export function checkId(id: string): string {
  if (!isSnapshotId(id)) {
    throw new AppError({
      code: 'BAD_INPUT',
      message: `"${id.slice(0, 80)}" is not a snapshot id.`,
      remedy: 'Run `icebox snapshots` to see the ids (like 20261127-001500-ab12cd).'
    })
  }
  return id
}

function notFound(id: string): AppError {
  return new AppError({
    code: 'SNAPSHOT_NOT_FOUND',
    message: `There is no snapshot ${id}.`,
    remedy: 'Run `icebox snapshots` to see the snapshots (and --store if you used another store).'
  })
}

/** Writes a file atomically (temp file in the same directory, then rename), mode 0600. */
export function writeFileAtomic(path: string, data: string): void {
  const tmp = `${path}.${randomHex(4)}.tmp`
  writeFileSync(tmp, data, { mode: 0o600 })
  renameSync(tmp, path)
}

/** Parses an untrusted manifest; null when it is not one of ours (see checkManifest). */
export function parseManifest(text: string, expectId?: string): Manifest | null {
  const r = checkManifest(text, expectId)
  return r.ok ? r.manifest : null
}

/** Bytes of regular files in a directory: all of them, and pages-*.img alone. */
export function dirSizes(dir: string): { total: number; pages: number } {
  let total = 0
  let pages = 0
  for (const name of readdirSync(dir)) {
    const st = lstatSync(join(dir, name))
    if (!st.isFile()) continue
    total += st.size
    if (/^pages-\d+\.img$/.test(name)) pages += st.size
  }
  return { total, pages }
}

function ensureDir(path: string, mode: number): void {
  // A user reads the root-owned system store through an ACL (Mode U): leave it as root made it.
  if (existsSync(path) && lstatSync(path).uid !== process.geteuid?.()) return
  mkdirSync(path, { recursive: true, mode })
  chmodSync(path, mode)
}

/** A snapshot directory whose manifest is missing or not valid. */
export interface DamagedSnapshot {
  id: string
  /** The SNAPSHOT_DAMAGED message: which snapshot and what is wrong. */
  reason: string
}

export interface SnapshotStore {
  root: string
  /** Finished snapshots, newest first. Directories without a valid manifest are skipped. */
  list(): Manifest[]
  /** The snapshot directories list() skips: no readable, valid manifest (id and why). */
  listDamaged(): DamagedSnapshot[]
  /** Both lists from one reading of every manifest (for views that show both). */
  survey(): { snapshots: Manifest[]; damaged: DamagedSnapshot[] }
  /** @throws AppError SNAPSHOT_NOT_FOUND / SNAPSHOT_DAMAGED */
  get(id: string): Manifest
  /** Directory of a snapshot (the id is validated; existence is not checked). */
  dir(id: string): string
  has(id: string): boolean
  /** Deletes a snapshot (or a failure record with that id). */
  remove(id: string): void
  writeManifest(m: Manifest): void
  /** Reads, changes and atomically rewrites a manifest. */
  updateManifest(id: string, change: (m: Manifest) => Manifest): Manifest
  /** Creates the temporary dump directory (0700) and returns its path. */
  beginDump(id: string): string
  /** Writes the manifest into the temporary directory and renames it into place. */
  commitDump(m: Manifest): string
  /** Keeps only the log and a record of a failed dump, and removes its images. */
  recordFailure(record: FailureRecord): string
  listFailed(): FailureRecord[]
  failedDir(id: string): string
}

/** Opens (and creates, 0700) a store; `root` defaults to defaultStoreRoot(). */
export function openStore(root: string = defaultStoreRoot()): SnapshotStore {
  try {
    ensureDir(root, 0o700)
  } catch (err) {
    // A user without snapshots yet cannot create images/<uid> in the root-owned store (Mode U):
    // the helper creates it at the first freeze. Until then the store simply reads as empty.
    const code = (err as NodeJS.ErrnoException).code
    if (code !== 'EACCES' && code !== 'EPERM') throw err
  }
  const dir = (id: string): string => join(root, checkId(id))
  const tmpDir = (id: string): string => join(root, TMP_PREFIX + checkId(id))
  const failedDir = (id: string): string => join(root, FAILED_DIR, checkId(id))

  const snapshotNames = (): string[] =>
    existsSync(root) ? readdirSync(root).filter((n) => isSnapshotId(n)) : []

  const get = (id: string): Manifest => {
    const path = join(dir(id), MANIFEST_NAME)
    if (!existsSync(dir(id))) throw notFound(id)
    let text: string
    try {
      text = readFileSync(path, 'utf8')
    } catch {
      throw damaged(id, 'its manifest.json is missing')
    }
    const r = checkManifest(text, id)
    if (!r.ok) throw damaged(id, `its manifest.json is not valid (${r.problem})`)
    return r.manifest
  }

  const survey = (): { snapshots: Manifest[]; damaged: DamagedSnapshot[] } => {
    const snapshots: Manifest[] = []
    const damaged: DamagedSnapshot[] = []
    for (const name of snapshotNames()) {
      try {
        snapshots.push(get(name))
      } catch (err) {
        // A directory without a valid manifest is not a snapshot we can show; it is named.
        if (err instanceof AppError && err.code === 'SNAPSHOT_DAMAGED')
          damaged.push({ id: name, reason: err.message })
      }
    }
    snapshots.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))
    damaged.sort((a, b) => b.id.localeCompare(a.id))
    return { snapshots, damaged }
  }

  const writeManifest = (m: Manifest): void => {
    writeFileAtomic(join(dir(m.id), MANIFEST_NAME), JSON.stringify(m, null, 2) + '\n')
  }

  return {
    root,
    dir,
    failedDir,
    has: (id) => existsSync(join(dir(id), MANIFEST_NAME)),
    get,
    list: () => survey().snapshots,
    listDamaged: () => survey().damaged,
    survey,
    remove(id) {
      const d = dir(id)
      const f = failedDir(id)
      if (!existsSync(d) && !existsSync(f)) throw notFound(id)
      rmSync(d, { recursive: true, force: true })
      rmSync(f, { recursive: true, force: true })
    },
    writeManifest,
    updateManifest(id, change) {
      const next = change(get(id))
      writeManifest(next)
      return next
    },
    beginDump(id) {
      if (existsSync(dir(id)))
        throw new AppError({ code: 'INTERNAL', message: `Snapshot ${id} exists.` })
      const t = tmpDir(id)
      rmSync(t, { recursive: true, force: true })
      mkdirSync(t, { mode: 0o700 })
      chmodSync(t, 0o700)
      return t
    },
    commitDump(m) {
      const t = tmpDir(m.id)
      writeFileAtomic(join(t, MANIFEST_NAME), JSON.stringify(m, null, 2) + '\n')
      renameSync(t, dir(m.id))
      return dir(m.id)
    },
    recordFailure(record) {
      const t = tmpDir(record.id)
      const f = failedDir(record.id)
      ensureDir(join(root, FAILED_DIR), 0o700)
      ensureDir(f, 0o700)
      // Move (not copy) the log and free the images first: the failure may be a full disk.
      const log = join(t, 'dump.log')
      if (existsSync(log)) renameSync(log, join(f, 'dump.log'))
      rmSync(t, { recursive: true, force: true })
      writeFileAtomic(join(f, FAILURE_NAME), JSON.stringify(record, null, 2) + '\n')
      return f
    },
    listFailed() {
      const base = join(root, FAILED_DIR)
      if (!existsSync(base)) return []
      const out: FailureRecord[] = []
      for (const name of readdirSync(base)) {
        if (!isSnapshotId(name)) continue
        try {
          const r = JSON.parse(
            readFileSync(join(base, name, FAILURE_NAME), 'utf8')
          ) as FailureRecord
          if (r && r.id === name) out.push(r)
        } catch {
          // Skip unreadable records.
        }
      }
      return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    }
  }
}

function damaged(id: string, why: string): AppError {
  return new AppError({
    code: 'SNAPSHOT_DAMAGED',
    message: `Snapshot ${id} is damaged: ${why}.`,
    remedy: `Remove it with \`icebox rm ${id}\`.`
  })
}
