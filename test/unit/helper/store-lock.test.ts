/**
 * The per-user dump lock (§4.7) with real files and real flock(1): exclusive, waits for the
 * holder, times out with an explanation, and is freed by the kernel when a holder dies.
 */
import { spawn, spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { acquireLock, FLOCK_PATH } from '../../../electron/helper/store-lock'

let dir: string
let path: string

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'icebox-lock-'))
  path = join(dir, '1000.lock')
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

/** Whether an independent process could take the lock right now. */
const freeForOthers = (): boolean => spawnSync(FLOCK_PATH, ['-x', '-n', path, 'true']).status === 0

const settled = async (p: Promise<unknown>, ms: number): Promise<boolean> => {
  let done = false
  p.then(
    () => (done = true),
    () => (done = true)
  )
  await new Promise((r) => setTimeout(r, ms))
  return done
}

describe('per-user dump lock', () => {
  it('is held until released, and a second taker waits for it', async () => {
    const a = await acquireLock(path, 5)
    expect(freeForOthers()).toBe(false)
    const b = acquireLock(path, 10)
    expect(await settled(b, 400)).toBe(false)
    a.release()
    const held = await b
    expect(freeForOthers()).toBe(false)
    held.release()
    expect(freeForOthers()).toBe(true)
  })

  it('times out with what happened, why and what to do', async () => {
    const a = await acquireLock(path, 5)
    await expect(acquireLock(path, 1)).rejects.toMatchObject({
      code: 'TIMEOUT',
      message: expect.stringMatching(/Another freeze of yours/),
      remedy: expect.stringMatching(/Wait/)
    })
    a.release()
  })

  it('is freed by the kernel when its holder dies (no stale lock)', async () => {
    ;(await acquireLock(path, 1)).release() // the file as the helper creates it (root, 0600)
    // A stand-in for a helper: holds the lock the same way (fd shared with flock), then dies.
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const fd = require('fs').openSync(${JSON.stringify(path)}, 'r+')
         const r = require('child_process').spawnSync(${JSON.stringify(FLOCK_PATH)}, ['-x', '3'],
           { stdio: ['ignore', 'ignore', 'ignore', fd] })
         if (r.status !== 0) process.exit(3)
         console.log('held')
         setInterval(() => {}, 1e6)`
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] }
    )
    await new Promise((r) => holder.stdout.once('data', r))
    expect(freeForOthers()).toBe(false)
    const waiting = acquireLock(path, 10)
    expect(await settled(waiting, 300)).toBe(false)
    holder.kill('SIGKILL')
    ;(await waiting).release()
  })

  it('refuses a symlink or a file others can write in place of the lock file', async () => {
    writeFileSync(join(dir, 'target'), '')
    symlinkSync(join(dir, 'target'), path)
    await expect(acquireLock(path, 1)).rejects.toMatchObject({ code: 'INTERNAL' })
    rmSync(path)
    writeFileSync(path, '')
    chmodSync(path, 0o666)
    await expect(acquireLock(path, 1)).rejects.toThrow(/not what the helper created/)
  })

  it('keeps a state for its holder across takers, replaced whole (shorter text leaves no tail)', async () => {
    const a = await acquireLock(path, 5)
    expect(a.readState()).toBe('')
    a.writeState('{"dumps":[1,2,3,4,5]}')
    a.release()
    const b = await acquireLock(path, 5)
    expect(b.readState()).toBe('{"dumps":[1,2,3,4,5]}')
    b.writeState('{"dumps":[9]}')
    expect(b.readState()).toBe('{"dumps":[9]}')
    b.release()
  })
})
