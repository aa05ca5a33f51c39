/** A complete manifest and a fake snapshot (two image files) for the store and archive tests. */
import { writeFileSync } from 'node:fs'
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
