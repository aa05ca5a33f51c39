import { execFileSync } from 'node:child_process'
import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { AppError } from '../../../electron/common/errors'
import { exportSnapshot, importSnapshot } from '../../../electron/core/snapshots/archive'
import {
  newSnapshotId,
  openStore,
  type SnapshotStore
} from '../../../electron/core/snapshots/store'
import { fakeSnapshot } from '../../support/store-fixtures'

let base: string
let store: SnapshotStore

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'icebox-store-'))
  store = openStore(join(base, 'a'))
})
afterEach(() => rmSync(base, { recursive: true, force: true }))

describe('snapshot store', () => {
  it('makes sortable ids and 0700 directories, renamed into place on commit', () => {
    expect(newSnapshotId(new Date('2026-11-27T00:15:00Z'))).toMatch(/^20261127-001500-[0-9a-f]{6}$/)
    const id = fakeSnapshot(store)
    expect(statSync(store.dir(id)).mode & 0o777).toBe(0o700)
    expect(store.list().map((m) => m.id)).toEqual([id])
    expect(readdirSync(store.root).some((n) => n.startsWith('.tmp-'))).toBe(false)
  })

  it('refuses ids that are not ids (no path tricks)', () => {
    expect(() => store.get('../etc')).toThrow(AppError)
    expect(() => store.dir('20261127-001500-ab12cd/..')).toThrow(AppError)
  })

  it('keeps only a failure record for a failed dump', () => {
    const id = newSnapshotId()
    const dir = store.beginDump(id)
    writeFileSync(join(dir, 'dump.log'), 'Error …')
    writeFileSync(join(dir, 'pages-1.img'), 'x')
    store.recordFailure({
      id,
      name: 'n',
      createdAt: new Date().toISOString(),
      pid: 1,
      sourceName: 'x',
      error: { code: 'DUMP_FAILED', message: 'm' },
      exitCode: 1,
      processAlive: true,
      argv: []
    })
    expect(store.list()).toEqual([])
    expect(store.listFailed().map((r) => r.id)).toEqual([id])
    expect(readdirSync(store.failedDir(id)).sort()).toEqual(['dump.log', 'failure.json'])
  })

  it('records restores atomically and removes snapshots', () => {
    const id = fakeSnapshot(store)
    store.updateManifest(id, (m) => ({
      ...m,
      restores: [{ at: 'now', rootPid: 42, ok: true, error: null }]
    }))
    expect(store.get(id).restores).toHaveLength(1)
    store.remove(id)
    expect(() => store.get(id)).toThrow(/no snapshot/)
  })
})

describe('export and import', () => {
  it('round-trips a snapshot with verified checksums', async () => {
    const id = fakeSnapshot(store)
    const file = join(base, 'snap.tar')
    await exportSnapshot(store, id, file)
    const other = openStore(join(base, 'b'))
    const m = await importSnapshot(other, file)
    expect(m.id).toBe(id)
    expect(other.list().map((x) => x.id)).toEqual([id])
    await expect(importSnapshot(other, file)).rejects.toThrow(/already in the store/)
  })

  it('says a missing archive file is missing, and a directory is not an archive', async () => {
    const other = openStore(join(base, 'b'))
    for (const path of [join(base, 'no-such.tar'), base]) {
      await expect(importSnapshot(other, path)).rejects.toMatchObject({
        code: 'BAD_INPUT',
        message: `There is no archive file ${path}.`
      })
    }
  })

  it('refuses a changed archive and leaves nothing behind', async () => {
    const id = fakeSnapshot(store)
    const file = join(base, 'snap.tar')
    await exportSnapshot(store, id, file)
    const work = join(base, 'work')
    execFileSync('mkdir', [work])
    execFileSync('tar', ['-xf', file, '-C', work])
    appendFileSync(join(work, id, 'pages-1.img'), 'evil')
    const bad = join(base, 'bad.tar')
    execFileSync('tar', ['-cf', bad, '-C', work, id])
    const other = openStore(join(base, 'b'))
    await expect(importSnapshot(other, bad)).rejects.toThrow(/not a valid Icebox snapshot archive/)
    expect(readdirSync(other.root)).toEqual([])
  })

  it('refuses archives with links or foreign paths', async () => {
    const work = join(base, 'w2')
    execFileSync('mkdir', ['-p', join(work, '20261127-001500-ab12cd')])
    execFileSync('ln', ['-s', '/etc/passwd', join(work, '20261127-001500-ab12cd', 'core-1.img')])
    const bad = join(base, 'link.tar')
    execFileSync('tar', ['-cf', bad, '-C', work, '20261127-001500-ab12cd'])
    const other = openStore(join(base, 'c'))
    const err = await importSnapshot(other, bad).catch((e: unknown) => e)
    expect((err as AppError).why).toMatch(/link or special file/)
    expect(readdirSync(other.root)).toEqual([])
  })
})
