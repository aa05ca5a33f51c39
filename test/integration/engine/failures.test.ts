/**
 * Failures leave the process running unchanged and store no snapshot: a traced process, criu
 * killed in the middle of a 512 MiB dump, a store that fills up, a restore whose pid is taken, and
 * a restore whose open file was swapped for a link to another.
 */
import { execFileSync, spawn } from 'node:child_process'
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync
} from 'node:fs'
import { join } from 'node:path'

import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { AppError } from '../../../electron/common/errors'
import { freeze } from '../../../electron/core/engine/freeze'
import { restore } from '../../../electron/core/engine/restore'
import { openStore, type SnapshotStore } from '../../../electron/core/snapshots/store'
import { startWorkload, waitForPidGone, type Workload } from '../../support/workloads'
import { readText, stateOf, tmpStore, waitDetached, waitUntil } from './helpers'

let store: SnapshotStore
let root: string
let cleanup: () => void
const workloads: Workload[] = []
const mounts: string[] = []

beforeEach(() => {
  ;({ store, root, cleanup } = tmpStore())
})
afterEach(async () => {
  for (const w of workloads.splice(0)) await w.stop()
  for (const m of mounts.splice(0)) execFileSync('umount', [m])
  cleanup()
})

async function launch(name: string, args: string[]): Promise<Workload> {
  const w = await startWorkload(name, args)
  workloads.push(w)
  await waitDetached(w.pid)
  return w
}

/** Asks engine-mem to check its memory; resolves when it wrote "verified ok N". */
async function verifiesIntact(pid: number, status: string, n: number): Promise<void> {
  writeFileSync(status, '')
  process.kill(pid, 'SIGUSR1')
  await waitUntil(
    () => readText(status).startsWith(`verified ok ${n}`),
    `pid ${pid} verifies`,
    30_000
  )
}

function noSnapshot(s: SnapshotStore): void {
  expect(s.list()).toEqual([])
  expect(readdirSync(s.root).filter((n) => n.startsWith('.tmp-'))).toEqual([])
}

describe('engine: failures', () => {
  it('a traced process is refused before criu runs and keeps running', async () => {
    const status = join(root, 'status')
    const w = await launch('engine-mem', ['1', status])
    const tracer = spawn('strace', ['-p', String(w.pid), '-o', '/dev/null'], { stdio: 'ignore' })
    try {
      await waitUntil(
        () => /TracerPid:\s+[1-9]/.test(readText(`/proc/${w.pid}/status`)),
        'strace to attach'
      )
      const err = await freeze({ pid: w.pid, choices: {}, store }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(AppError)
      expect((err as AppError).code).toBe('NOT_FREEZABLE')
      expect((err as AppError).why).toMatch(/trac|debugg/i)
      noSnapshot(store)
      await verifiesIntact(w.pid, status, 1)
    } finally {
      tracer.kill('SIGKILL')
    }
  })

  it('criu killed in the middle of a 512 MiB dump: cancelled, process intact, nothing stored', async () => {
    const status = join(root, 'status')
    const w = await launch('engine-mem', ['512', status])
    const abort = new AbortController()
    let sawMemory = 0
    const err = await freeze(
      { pid: w.pid, choices: {}, store },
      {
        signal: abort.signal,
        onProgress: (p) => {
          if (
            p.phase === 'memory' &&
            (p.bytesWritten ?? 0) > 16 * 1024 * 1024 &&
            !abort.signal.aborted
          ) {
            sawMemory = p.bytesWritten ?? 0
            abort.abort()
          }
        }
      }
    ).catch((e: unknown) => e)
    expect(sawMemory).toBeGreaterThan(0)
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).code).toBe('CANCELLED')
    expect((err as AppError).remedy).toMatch(/still running/)
    noSnapshot(store)
    expect(store.listFailed()).toHaveLength(1)
    await waitUntil(() => /[SR]/.test(stateOf(w.pid) ?? ''), 'process not stopped')
    await verifiesIntact(w.pid, status, 1)
  })

  it('a store on a small tmpfs fills up: explained as a full disk, process intact', async () => {
    const small = join(root, 'small')
    mkdirSync(small)
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m,mode=0700', 'icebox-test', small])
    mounts.push(small)
    const smallStore = openStore(join(small, 'store'))
    const status = join(root, 'status')
    const w = await launch('engine-mem', ['64', status])
    const err = await freeze({ pid: w.pid, choices: {}, store: smallStore }).catch(
      (e: unknown) => e
    )
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).code).toBe('NO_SPACE')
    expect((err as AppError).message).toMatch(/full/)
    noSnapshot(smallStore)
    const failed = smallStore.listFailed()
    expect(failed).toHaveLength(1)
    expect(failed[0]?.processAlive).toBe(true)
    expect(existsSync(join(smallStore.failedDir(failed[0]!.id), 'dump.log'))).toBe(true)
    expect(stateOf(w.pid)).toMatch(/[SR]/)
    await verifiesIntact(w.pid, status, 1)
  })

  it('a restore whose pid is taken names the pid and its holder and starts nothing', async () => {
    const status = join(root, 'status')
    const w = await launch('engine-mem', ['1', status])
    const m = await freeze({ pid: w.pid, choices: { keepRunning: true }, store })
    const err = await restore(m.id, { store }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).code).toBe('RESTORE_PREFLIGHT')
    expect((err as AppError).message).toContain(`Process id ${w.pid} is taken by engine-mem`)
    expect(existsSync(join(store.dir(m.id), 'restore.log'))).toBe(false)
    expect(store.get(m.id).restores).toEqual([])
    await verifiesIntact(w.pid, status, 1)
  })

  it('an open file swapped for a link to a root-only file, or given away: refused, nothing opened', async () => {
    const file = join(root, 'counter.txt')
    const w = await launch('engine-counter', [file])
    await waitUntil(() => readText(file).length > 0, 'the first line')
    const m = await freeze({ pid: w.pid, choices: {}, store })
    expect(m.preflight.files.find((f) => f.path === file)?.uid).toBe(0)
    await w.stop()
    await waitForPidGone(w.pid)
    const size = statSync(file).size

    // What a user who owned the directory could do: put a link to a secret of the same size there.
    const secret = join(root, 'secret')
    writeFileSync(secret, 'x'.repeat(size))
    chmodSync(secret, 0o600)
    renameSync(file, file + '.orig')
    symlinkSync(secret, file)
    const err = await restore(m.id, { store }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).code).toBe('RESTORE_PREFLIGHT')
    expect((err as AppError).message).toContain(`The file ${file} (fd`)
    expect((err as AppError).message).toContain('its path now goes through a symbolic link')
    expect(existsSync(join(store.dir(m.id), 'restore.log'))).toBe(false)

    // The same file at the path, but given to another user.
    unlinkSync(file)
    renameSync(file + '.orig', file)
    chownSync(file, 65534, 65534)
    const err2 = await restore(m.id, { store }).catch((e: unknown) => e)
    expect((err2 as AppError).message).toContain('it now belongs to uid 65534, not uid 0')

    // Put back as it was, the snapshot restores.
    chownSync(file, 0, 0)
    const r = await restore(m.id, { store })
    expect(r.rootPid).toBe(w.pid)
    process.kill(r.rootPid, 'SIGKILL')
    expect(readFileSync(secret, 'utf8')).toBe('x'.repeat(size))
  })
})
