/** A complete manifest and a fake snapshot (two image files) for the store and archive tests. */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import { MANIFEST_FORMAT, type Manifest } from '../../electron/common/snapshot'
import { newSnapshotId, type SnapshotStore } from '../../electron/core/snapshots/store'

export function manifest(id: string): Manifest {
  return {
    format: MANIFEST_FORMAT,
    id,
    name: 'test',
    createdAt: new Date().toISOString(),
    source: {
      pid: 42,
      name: 'x',
      cmdline: ['x'],
      uid: 0,
      user: 'root',
      startTime: '',
      startTicks: 1,
      exe: null,
      cwd: null,
      sessionLeader: true,
      tty: null
    },
    flags: {
      shellJob: false,
      fileLocks: false,
      extUnixSk: false,
      tcp: null,
      networkLock: null,
      linkRemap: false,
      allowUprobes: false,
      ghostLimitBytes: null,
      leaveRunning: false,
      argv: []
    },
    findings: [],
    warnings: [],
    criuVersion: '4.2.1',
    kernelRelease: '',
    hostname: '',
    bootId: '',
    cpuModel: '',
    sizes: { total: 0, pages: 0 },
    keptRunning: false,
    stats: null,
    restores: [],
    preflight: { pids: [42], files: [], exes: [], extUnixPeers: [] }
  }
}

export function fakeSnapshot(s: SnapshotStore): string {
  const id = newSnapshotId()
  const dir = s.beginDump(id)
  writeFileSync(join(dir, 'pages-1.img'), Buffer.alloc(8192, 7))
  writeFileSync(join(dir, 'core-42.img'), 'core')
  s.commitDump(manifest(id))
  return id
}

/** The review's incomplete manifest: no `sizes`, and `preflight: {}`. */
export function breakManifest(path: string): void {
  const m = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>
  delete m.sizes
  m.preflight = {}
  writeFileSync(path, JSON.stringify(m))
}

/**
 * Repacks an exported archive of `id` with an incomplete manifest and checksums that match it:
 * only the manifest check can refuse it. Returns the new archive's path (in `work`).
 */
export function archiveWithBrokenManifest(file: string, id: string, work: string): string {
  mkdirSync(work)
  execFileSync('tar', ['-xf', file, '-C', work])
  breakManifest(join(work, id, 'manifest.json'))
  const sums = execFileSync('sh', ['-c', 'sha256sum $(ls | grep -v SHA256SUMS)'], {
    cwd: join(work, id),
    encoding: 'utf8'
  })
  writeFileSync(join(work, id, 'SHA256SUMS'), sums)
  const bad = join(work, 'bad.tar')
  execFileSync('tar', ['-cf', bad, '-C', work, id])
  return bad
}

/** Every file of a directory with its sha256: equal before and after means byte-identical. */
export function filesOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of readdirSync(dir).sort())
    out[name] = createHash('sha256')
      .update(readFileSync(join(dir, name)))
      .digest('hex')
  return out
}
