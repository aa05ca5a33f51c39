/**
 * The snapshot view of a real, committed dump (test/fixtures/images/tree), and how damage to
 * any of its files is reported.
 */
import { execFileSync } from 'node:child_process'
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  unlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { readCoreCreds, readPstree, readTreeCreds } from '../../../electron/core/images/creds'
import { formatSnapshotView } from '../../../electron/core/images/format-view'
import { readSnapshotView } from '../../../electron/core/images/read-snapshot-view'

export const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'images', 'tree')
const ROOT = 21410
const STOPPED = 21413
const ZOMBIE = 21414

const temps: string[] = []
afterEach(() => {
  for (const t of temps.splice(0)) rmSync(t, { recursive: true, force: true })
})

/** A scratch copy of the fixture that a test may damage. */
export function copyFixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'icebox-img-'))
  temps.push(dir)
  for (const f of readdirSync(FIXTURE)) copyFileSync(join(FIXTURE, f), join(dir, f))
  return dir
}

describe('fixture snapshot view', () => {
  const view = readSnapshotView(FIXTURE, { restoreChecks: false })

  it('has the tree with states, exit status and threads', () => {
    expect(view.status).toBe('ok')
    expect(view.rootPid).toBe(ROOT)
    expect(view.processes.map((p) => [p.pid, p.ppid, p.state])).toEqual([
      [ROOT, 0, 'alive'],
      [STOPPED, ROOT, 'stopped'],
      [ZOMBIE, ROOT, 'dead']
    ])
    const root = view.processes[0]!
    expect(root.threads.map((t) => t.comm)).toEqual(['images-tree', 'img-worker'])
    expect(root.creds).toMatchObject({ uid: 0, groups: [5, 27], capEff: '1fffeffffff' })
    expect(view.processes[2]).toMatchObject({ exitStatus: 1792, exitText: 'exited 7', fds: [] })
  })

  it('groups fds by kind and prints addresses', () => {
    const root = view.processes[0]!
    expect(root.fdGroups.map((g) => g.kind)).toEqual([
      'file',
      'device',
      'tty',
      'pipe',
      'unix',
      'tcp',
      'udp',
      'memfd',
      'eventfd',
      'eventpoll',
      'inotify',
      'signalfd',
      'timerfd'
    ])
    const tcp = root.fdGroups.find((g) => g.kind === 'tcp')!.fds
    expect(tcp.map((f) => f.state)).toEqual(['LISTEN', 'ESTABLISHED', 'ESTABLISHED', 'LISTEN'])
    expect(tcp[3]!.local).toMatch(/^\[::1\]:\d+$/)
    expect(tcp[1]!.remote).toBe(tcp[0]!.local)
    expect(tcp.map((f) => f.queuedBytes)).toContain(11)
    expect(root.fds.find((f) => f.fd === 3)).toMatchObject({ lock: 'flock write', pos: 5 })
    expect(root.namespaces).toEqual([])
  })

  it('counts memory and reads CRIU timings without page data', () => {
    const m = view.processes[0]!.memory!
    expect(m.vmaCount).toBeGreaterThan(10)
    expect(m.exe).toBe('/tmp/icebox-fixture/images-tree')
    expect(m.pagesPresent).toBeGreaterThan(256) // the 1 MiB heap
    expect(view.totals.pageBytes).toBe(0) // pages-*.img are not in the fixture
    expect(view.timings!.pagesWritten).toBe(view.totals.pagesPresent)
    expect(view.features).toMatchObject({
      fileLocks: 1,
      ghostFiles: 1,
      tcpStreams: 2,
      timens: true
    })
  })

  it('formats as text with every section', () => {
    const text = formatSnapshotView(view)
    for (const s of [
      'Processes',
      'Process 21410',
      'CRIU timings',
      'Features',
      'memfd:icebox-memfd'
    ]) {
      expect(text).toContain(s)
    }
  })

  it('reads creds of every thread of the live tasks', () => {
    expect(readPstree(FIXTURE).length).toBe(3)
    expect(readTreeCreds(FIXTURE).map((c) => c.tid)).toEqual([ROOT, 21412, STOPPED])
    expect(readCoreCreds(FIXTURE, STOPPED).noNewPrivs).toBe(true)
    expect(() => readCoreCreds(FIXTURE, -1)).toThrow(/not a valid thread id/)
  })
})

describe('damaged snapshots are shown as damaged, with file and offset', () => {
  it('a pstree naming a task with no core image', () => {
    const dir = copyFixture()
    unlinkSync(join(dir, `core-${STOPPED}.img`))
    const view = readSnapshotView(dir, { restoreChecks: false })
    expect(view.status).toBe('damaged')
    expect(view.damage).toMatchObject({ file: `core-${STOPPED}.img`, offset: 0 })
    expect(view.processes.map((p) => p.pid)).toEqual([ROOT]) // what was readable is kept
  })

  it('a truncated files.img', () => {
    const dir = copyFixture()
    truncateSync(join(dir, 'files.img'), 100)
    const view = readSnapshotView(dir, { restoreChecks: false })
    expect(view.damage).toMatchObject({ file: 'files.img' })
    expect(view.damage!.offset).toBeGreaterThanOrEqual(8)
    expect(formatSnapshotView(view)).toContain('DAMAGED: files.img at byte')
  })

  it('a wrong magic in a core image', () => {
    const dir = copyFixture()
    const p = join(dir, `core-${ROOT}.img`)
    const buf = readFileSync(p)
    buf.writeUInt32LE(0x12345678, 4)
    writeFileSync(p, buf)
    const view = readSnapshotView(dir)
    expect(view.damage).toMatchObject({ file: `core-${ROOT}.img`, offset: 4 })
  })

  it('a core image of the wrong type (an ids image renamed)', () => {
    const dir = copyFixture()
    copyFileSync(join(dir, `ids-${ROOT}.img`), join(dir, `core-${ROOT}.img`))
    expect(readSnapshotView(dir).damage?.reason).toMatch(/expected a CORE image, found IDS/)
  })

  it('a FIFO planted as an image does not hang the reader', () => {
    const dir = copyFixture()
    unlinkSync(join(dir, 'pstree.img'))
    execFileSync('mkfifo', [join(dir, 'pstree.img')])
    expect(readSnapshotView(dir).damage).toMatchObject({
      file: 'pstree.img',
      reason: 'not a regular file'
    })
  })

  it('a directory in place of an image', () => {
    const dir = copyFixture()
    unlinkSync(join(dir, 'inventory.img'))
    mkdirSync(join(dir, 'inventory.img'))
    expect(readSnapshotView(dir).damage).toMatchObject({ file: 'inventory.img' })
  })

  it('a missing directory', () => {
    expect(readSnapshotView('/nonexistent/icebox').damage?.reason).toMatch(/cannot list/)
  })
})
