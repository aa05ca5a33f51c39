/**
 * The snapshot methods of the real CoreDeps (what snapshots.list / snapshots.import answer over
 * IPC and the WebSocket) against a store holding a snapshot with an incomplete manifest.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { exportSnapshot } from '../../../electron/core/snapshots/archive'
import { openStore, type SnapshotStore } from '../../../electron/core/snapshots/store'
import { createCoreDeps } from '../../../electron/server/core-deps'
import {
  archiveWithBrokenManifest,
  breakManifest,
  fakeSnapshot
} from '../../support/store-fixtures'

let base: string
let store: SnapshotStore

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'icebox-deps-'))
  store = openStore(join(base, 'store'))
})
afterEach(() => rmSync(base, { recursive: true, force: true }))

describe('snapshots over the API with an incomplete manifest', () => {
  it('lists the good snapshot and the bad one as damaged, with the reason', async () => {
    const good = fakeSnapshot(store)
    const bad = fakeSnapshot(store)
    breakManifest(join(store.dir(bad), 'manifest.json'))
    const deps = createCoreDeps({ store: store.root })
    const rows = await deps.listSnapshots()
    expect(rows.map((r) => [r.id, r.state === 'damaged'])).toEqual([
      [good, true], // fake images: no inventory.img, so damaged by the existing rule too
      [bad, true]
    ])
    expect(rows[1]?.stateReason).toMatch(/manifest\.json is not valid.*sizes/)
    expect(rows[1]?.sizeBytes).toBeGreaterThan(8192)
    await expect(deps.inspectSnapshot(bad)).rejects.toMatchObject({ code: 'SNAPSHOT_DAMAGED' })
    await deps.deleteSnapshot(bad)
    expect(readdirSync(store.root)).toEqual([good])
  })

  it('refuses the import and leaves the store unchanged', async () => {
    const id = fakeSnapshot(store)
    const file = join(base, 'snap.tar')
    await exportSnapshot(store, id, file)
    const bad = archiveWithBrokenManifest(file, id, join(base, 'work'))
    const other = openStore(join(base, 'other'))
    const deps = createCoreDeps({ store: other.root })
    await expect(deps.importSnapshot(bad)).rejects.toMatchObject({
      code: 'SNAPSHOT_DAMAGED',
      why: expect.stringMatching(/sizes/)
    })
    expect(readdirSync(other.root)).toEqual([])
  })
})
