/**
 * The snapshot store through the built CLI (`node bin/icebox.mjs`), as root and as the
 * unprivileged user nobody: a damaged manifest, export from a store the user cannot write,
 * import into the system store, and the snapshot name rule.
 */
import { execFile } from 'node:child_process'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { openStore, type SnapshotStore } from '../../../electron/core/snapshots/store'
import { buildCli } from '../../../scripts/cli-bundle.mjs'
import { fakeSnapshot, filesOf } from '../../support/store-fixtures'

const REPO = join(import.meta.dirname, '..', '..', '..')
const NOBODY = ['--reuid=nobody', '--regid=nogroup', '--clear-groups']

interface Run {
  code: number
  stdout: string
  stderr: string
}

function run(command: string, argv: string[]): Promise<Run> {
  // No ICEBOX_STORE: the default store is the system store of the user.
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' }
  delete env.ICEBOX_STORE
  return new Promise((resolve) => {
    execFile(command, argv, { maxBuffer: 16 << 20, env }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? 1) : 0
      resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr })
    })
  })
}
const icebox = (...args: string[]) => run('node', [join(REPO, 'bin/icebox.mjs'), ...args])
const iceboxAsNobody = (...args: string[]) =>
  run('setpriv', [...NOBODY, 'node', join(REPO, 'bin/icebox.mjs'), ...args])

let base: string
let store: SnapshotStore

beforeAll(async () => {
  await buildCli(REPO, join(REPO, 'dist'))
  base = mkdtempSync(join(tmpdir(), 'icebox-archive-cli-'))
  // Like the system store in Mode U: root's, readable by the user, not writable.
  chmodSync(base, 0o755)
  store = openStore(join(base, 'store'))
  chmodSync(store.root, 0o755)
})
afterAll(() => rmSync(base, { recursive: true, force: true }))

describe('icebox snapshots with an incomplete manifest', () => {
  it('lists the other snapshots and names the damaged one (exit 0)', async () => {
    const good = fakeSnapshot(store)
    const bad = fakeSnapshot(store)
    const path = join(store.dir(bad), 'manifest.json')
    const m = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>
    delete m.sizes
    m.preflight = {}
    writeFileSync(path, JSON.stringify(m))
    const r = await icebox('snapshots', '--store', store.root)
    expect(r.stderr).not.toMatch(/bug in Icebox/)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(good)
    expect(r.stdout).toMatch(new RegExp(`${bad}  DAMAGED: .*manifest\\.json is not valid.*sizes`))
    expect(r.stdout).toContain(`icebox rm ${bad}`)
    store.remove(bad)
    store.remove(good)
  })
})

describe('icebox export and import as a user', () => {
  it('exports from a store the user cannot write, leaving the snapshot unchanged', async () => {
    const id = fakeSnapshot(store)
    const dir = store.dir(id)
    // Root's CLI keeps its own store 0700; the system store lets a user read through an ACL.
    chmodSync(store.root, 0o755)
    chmodSync(dir, 0o755)
    for (const name of readdirSync(dir)) chmodSync(join(dir, name), 0o644)
    const before = filesOf(dir)
    const out = join(base, 'out')
    mkdirSync(out)
    chmodSync(out, 0o777)
    const file = join(out, 'snap.tar')
    const r = await iceboxAsNobody('export', id, file, '--store', store.root)
    expect(r.stderr).not.toMatch(/bug in Icebox|EACCES/)
    expect(r.code).toBe(0)
    expect(existsSync(file)).toBe(true)
    expect(filesOf(dir)).toEqual(before)
    // Root's export leaves the directory as it was too (the helper refuses unknown files).
    const file2 = join(out, 'snap2.tar')
    expect((await icebox('export', id, file2, '--store', store.root)).code).toBe(0)
    expect(filesOf(dir)).toEqual(before)
    // The archive imports into a store of the user's own.
    const own = join(out, 'own')
    const imp = await iceboxAsNobody('import', file, '--store', own)
    expect(imp.stderr).toBe('')
    expect(imp.stdout).toContain(`Imported ${id}`)
  })

  it('refuses an import into the system store with why and what to do', async () => {
    const id = fakeSnapshot(store)
    const dir = join(base, 'in')
    mkdirSync(dir)
    const file = join(dir, 'snap.tar')
    expect((await icebox('export', id, file, '--store', store.root)).code).toBe(0)
    chmodSync(file, 0o644)
    chmodSync(dir, 0o755)
    const r = await iceboxAsNobody('import', file)
    expect(r.code).not.toBe(0)
    expect(r.stderr).not.toMatch(/bug in Icebox|ENOENT|EACCES/)
    expect(r.stderr).toMatch(/Importing a snapshot into the system store needs root/)
    expect(r.stderr).toMatch(/sudo icebox import/)
  })
})

describe('icebox freeze --name', () => {
  it('refuses a name with U+202E before anything else happens', async () => {
    // A pid that does not exist: the name must be refused before the process is looked at.
    const r = await icebox('freeze', '4194303', '--name', 'invoice\u202Efdp.exe', '--yes')
    expect(r.code).not.toBe(0)
    expect(r.stderr).toMatch(/1 to 64 printable characters.*U\+202E/)
  })
})
