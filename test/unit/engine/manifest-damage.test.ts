import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import type { Manifest } from '../../../electron/common/snapshot'
import {
  checkImportAllowed,
  exportSnapshot,
  importSnapshot
} from '../../../electron/core/snapshots/archive'
import { openStore, type SnapshotStore } from '../../../electron/core/snapshots/store'
import {
  archiveWithBrokenManifest,
  breakManifest,
  fakeSnapshot,
  filesOf
} from '../../support/store-fixtures'

let base: string
let store: SnapshotStore

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'icebox-manifest-'))
  store = openStore(join(base, 'a'))
})
afterEach(() => rmSync(base, { recursive: true, force: true }))

describe('an incomplete manifest', () => {
  it('makes only its snapshot damaged; the list keeps the others', () => {
    const good = fakeSnapshot(store)
    const bad = fakeSnapshot(store)
    breakManifest(join(store.dir(bad), 'manifest.json'))
    expect(store.list().map((m) => m.id)).toEqual([good])
    const damaged = store.listDamaged()
    expect(damaged.map((d) => d.id)).toEqual([bad])
    expect(damaged[0]?.reason).toMatch(/sizes/)
    expect(() => store.get(bad)).toThrow(/damaged.*manifest\.json is not valid/)
  })

  it('is damage even when only a nested field is wrong (preflight.files)', () => {
    const id = fakeSnapshot(store)
    const path = join(store.dir(id), 'manifest.json')
    const m = JSON.parse(readFileSync(path, 'utf8')) as Manifest
    writeFileSync(path, JSON.stringify({ ...m, preflight: { ...m.preflight, files: 7 } }))
    expect(store.list()).toEqual([])
    expect(store.listDamaged()[0]?.reason).toMatch(/preflight\.files/)
  })

  it('keeps keys it does not know (the helper section)', () => {
    const id = fakeSnapshot(store)
    const path = join(store.dir(id), 'manifest.json')
    const m = JSON.parse(readFileSync(path, 'utf8')) as Manifest
    writeFileSync(path, JSON.stringify({ ...m, helper: { uid: 1000 } }))
    expect(store.get(id)).toMatchObject({ helper: { uid: 1000 } })
  })

  it('is refused by import (checksums valid) and the store is left unchanged', async () => {
    const id = fakeSnapshot(store)
    const file = join(base, 'snap.tar')
    await exportSnapshot(store, id, file)
    const bad = archiveWithBrokenManifest(file, id, join(base, 'work'))
    const other = openStore(join(base, 'b'))
    const before = readdirSync(other.root)
    await expect(importSnapshot(other, bad)).rejects.toMatchObject({
      code: 'SNAPSHOT_DAMAGED',
      why: expect.stringMatching(/manifest\.json is not valid: .*sizes/),
      remedy: expect.stringMatching(/Export the snapshot again/)
    })
    expect(readdirSync(other.root)).toEqual(before)
    expect(other.listDamaged()).toEqual([])
  })
})

describe('export', () => {
  it('leaves the snapshot directory byte-identical and still round-trips', async () => {
    const id = fakeSnapshot(store)
    const before = filesOf(store.dir(id))
    const file = join(base, 'snap.tar')
    await exportSnapshot(store, id, file)
    expect(filesOf(store.dir(id))).toEqual(before)
    const names = execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).split('\n')
    expect(names).toContain(`${id}/SHA256SUMS`)
    expect(names).toContain(`${id}/pages-1.img`)
    const other = openStore(join(base, 'b'))
    expect((await importSnapshot(other, file)).id).toBe(id)
    expect(filesOf(other.dir(id))['pages-1.img']).toBe(before['pages-1.img'])
  })
})

describe('import into the system store', () => {
  it('is refused up front for a user, with why and what to do', () => {
    expect(() => checkImportAllowed('/var/lib/icebox/images/1000', 1000)).toThrow(
      expect.objectContaining({
        code: 'PERMISSION_DENIED',
        why: expect.stringMatching(/written only by the Icebox helper/),
        remedy: expect.stringMatching(/sudo icebox import/)
      })
    )
    expect(() => checkImportAllowed('/var/lib/icebox/images/1000', 0)).not.toThrow()
    expect(() => checkImportAllowed(join(base, 'mine'), 1000)).not.toThrow()
    expect(() => checkImportAllowed('/var/lib/icebox/images-other', 1000)).not.toThrow()
  })
})
