import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, describe, expect, it } from 'vitest'

import { parseShowArgs, resolveSnapshotDir, runShow } from '../../../electron/cli/commands/show'
import type { SnapshotView } from '../../../electron/common/snapshot-view'

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'images', 'tree')
const ID = '20261127-001500-ab12cd'
const store = mkdtempSync(join(tmpdir(), 'icebox-store-'))
cpSync(FIXTURE, join(store, ID), { recursive: true })
mkdirSync(join(store, '20261127-001600-ffffff'))
afterAll(() => rmSync(store, { recursive: true, force: true }))

describe('icebox show', () => {
  it('finds a snapshot by id in the store', () => {
    expect(resolveSnapshotDir(ID, store)).toBe(join(store, ID))
    const { text, view } = runShow(ID, { store })
    expect(view.status).toBe('ok')
    expect(text).toContain('21410 images-tree [alive]')
  })

  it('prints JSON with --json', () => {
    const { text } = runShow(ID, { store, json: true })
    const view = JSON.parse(text) as SnapshotView
    expect(view.processes.map((p) => p.pid)).toEqual([21410, 21413, 21414])
  })

  it('reads any images directory with --dir', () => {
    expect(runShow(undefined, { dir: FIXTURE }).view.rootPid).toBe(21410)
  })

  it('explains a bad id, an unknown id, an empty snapshot dir and a missing argument', () => {
    expect(() => runShow('../etc', { store })).toThrow(
      expect.objectContaining({ code: 'BAD_INPUT' })
    )
    expect(() => runShow('20261127-001500-000000', { store })).toThrow(
      expect.objectContaining({ code: 'SNAPSHOT_NOT_FOUND' })
    )
    expect(() => runShow('20261127-001600-ffffff', { store })).toThrow(/no snapshot/)
    expect(() => runShow(undefined, {})).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }))
    expect(() => runShow(ID, { dir: FIXTURE })).toThrow(/either/)
    expect(() => runShow(undefined, { dir: '/nonexistent/x' })).toThrow(
      expect.objectContaining({ code: 'SNAPSHOT_NOT_FOUND' })
    )
  })
})

describe('parseShowArgs (the fast path of the show bundle)', () => {
  it('parses the plain forms', () => {
    expect(parseShowArgs(['show', ID])).toEqual({ id: ID, opts: {} })
    expect(parseShowArgs(['show', '--dir', '/x', '--json'])).toEqual({
      id: undefined,
      opts: { dir: '/x', json: true }
    })
    expect(parseShowArgs(['show', '--store=/s', ID, '--json'])).toEqual({
      id: ID,
      opts: { store: '/s', json: true }
    })
  })

  it('leaves everything else to commander', () => {
    for (const argv of [
      ['ps'],
      ['show', '--help'],
      ['show', '-h'],
      ['show', '--bogus'],
      ['show', 'a', 'b'],
      ['show', '--dir'],
      ['show', '--dir', '--json'],
      ['show', '--json=1']
    ]) {
      expect(parseShowArgs(argv), argv.join(' ')).toBeNull()
    }
  })
})
