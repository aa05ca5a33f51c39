/**
 * Freeze and restore for real (root, CRIU 4.2): in-memory state survives, a pipe tree with data
 * in flight, --keep-running, and file locks.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import {
  existsSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

import { AppError } from '../../../electron/common/errors'
import { freeze } from '../../../electron/core/engine/freeze'
import { restore } from '../../../electron/core/engine/restore'
import { startWorkload, waitForPidGone, type Workload } from '../../support/workloads'
import {
  expectedLines,
  readText,
  sleep,
  stateOf,
  useEngineFixture,
  waitDetached,
  waitUntil
} from './helpers'

const fx = useEngineFixture()

async function launch(name: string, args: string[]): Promise<Workload> {
  const w = await startWorkload(name, args)
  fx.workloads.push(w)
  await waitDetached(w.pid)
  return w
}

function fdPos(pid: number, fd: number): number {
  return Number(/^pos:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'))?.[1])
}

describe('engine: freeze and restore', () => {
  it('continues an in-memory sequence exactly, with the same pid and file offset', async () => {
    const file = join(fx.root, 'counter.txt')
    const w = await launch('engine-counter', [file])
    await sleep(400)
    const m = await freeze({ pid: w.pid, choices: {}, store: fx.store, name: 'counter' })
    expect(m.name).toBe('counter')
    expect(m.source.pid).toBe(w.pid)
    expect(m.flags.argv).toContain('--no-default-config')
    expect(m.sizes.pages).toBeGreaterThan(0)
    expect(m.stats?.pagesWritten).toBeGreaterThan(0)
    expect(m.preflight.files.map((f) => f.path)).toContain(file)
    expect(fx.store.list().map((s) => s.id)).toEqual([m.id])
    expect(statSync(fx.store.dir(m.id)).mode & 0o777).toBe(0o700)
    expect(readdirSync(fx.store.root).filter((n) => n.startsWith('.tmp-'))).toEqual([])
    await w.stop()
    await waitForPidGone(w.pid)
    const frozenLines = readText(file).trim().split('\n').length

    const r = await restore(m.id, { store: fx.store })
    fx.restored.push(r.rootPid)
    expect(r.rootPid).toBe(w.pid)
    expect(r.manifest.restores).toMatchObject([{ ok: true, rootPid: w.pid }])
    await waitUntil(() => readText(file).trim().split('\n').length >= frozenLines + 5, 'new lines')
    const lines = readText(file).trim().split('\n')
    expect(lines).toEqual(expectedLines(lines.length))
    const fd = readdirSync(`/proc/${r.rootPid}/fd`)
      .map(Number)
      .find((n) => readlinkSync(`/proc/${r.rootPid}/fd/${n}`) === file)!
    expect(fdPos(r.rootPid, fd)).toBe(statSync(file).size)
  })

  it('restores a parent and two children with data in flight in their pipes', async () => {
    const trigger = join(fx.root, 'go')
    const out = join(fx.root, 'out.txt')
    const w = await launch('engine-tree', [trigger, out])
    await waitUntil(
      () => readdirSync(`/proc/${w.pid}/task`).length && childrenOf(w.pid).length === 2,
      'children'
    )
    const kids = childrenOf(w.pid)
    const m = await freeze({ pid: w.pid, choices: {}, store: fx.store })
    expect(m.preflight.pids.sort()).toEqual([w.pid, ...kids].sort())
    await w.stop()
    for (const pid of [w.pid, ...kids]) await waitForPidGone(pid)

    const r = await restore(m.id, { store: fx.store })
    fx.restored.push(r.rootPid, ...kids)
    for (const pid of [w.pid, ...kids]) expect(stateOf(pid)).toMatch(/[SR]/)
    writeFileSync(trigger, '')
    await waitUntil(() => readText(out).includes('parent done'), 'parent done')
    expect(readText(out).trim().split('\n').sort()).toEqual(
      ['child1 got from-parent', 'child2 got from-child1', 'parent done'].sort()
    )
  })

  it('--keep-running: the process goes on, and the snapshot restores after it is gone', async () => {
    const status = join(fx.root, 'status')
    const w = await launch('engine-mem', ['1', status])
    const m = await freeze({ pid: w.pid, choices: { keepRunning: true }, store: fx.store })
    expect(m.keptRunning).toBe(true)
    expect(m.flags.argv).toContain('--leave-running')
    expect(m.warnings.join(' ')).toMatch(/diverge/)
    expect(stateOf(w.pid)).toMatch(/[SR]/)
    process.kill(w.pid, 'SIGUSR1')
    await waitUntil(() => readText(status).startsWith('verified ok 1'), 'original verifies')
    await w.stop()
    await waitForPidGone(w.pid)

    const r = await restore(m.id, { store: fx.store })
    fx.restored.push(r.rootPid)
    writeFileSync(status, '')
    process.kill(r.rootPid, 'SIGUSR1')
    // The restored process has the state of the snapshot: its first check again.
    await waitUntil(() => readText(status).startsWith('verified ok 1'), 'restored verifies')
  })

  it('file locks: refused without --file-locks, frozen with it, held again after restore', async () => {
    const file = join(fx.root, 'locked')
    const w = await launch('engine-lock', [file])
    const flockFree = (): boolean => spawnSync('flock', ['-n', file, 'true']).status === 0
    expect(flockFree()).toBe(false)

    const err = await freeze({ pid: w.pid, choices: { fileLocks: false }, store: fx.store }).catch(
      (e: unknown) => e
    )
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).message).toMatch(/file locks/)
    expect((err as AppError).remedy).toMatch(/--file-locks/)
    expect((err as AppError).remedy).toMatch(/still running/)
    expect(stateOf(w.pid)).toMatch(/[SR]/)
    expect(fx.store.list()).toEqual([])
    expect(fx.store.listFailed()).toHaveLength(1)
    expect(existsSync(join(fx.store.failedDir(fx.store.listFailed()[0]!.id), 'dump.log'))).toBe(
      true
    )

    const m = await freeze({ pid: w.pid, choices: {}, store: fx.store })
    expect(m.flags.fileLocks).toBe(true)
    await w.stop()
    await waitForPidGone(w.pid)
    expect(flockFree()).toBe(true)
    const r = await restore(m.id, { store: fx.store })
    fx.restored.push(r.rootPid)
    expect(flockFree()).toBe(false)
  })
})

function childrenOf(pid: number): number[] {
  try {
    const text = execFileSync('cat', [`/proc/${pid}/task/${pid}/children`], { encoding: 'utf8' })
    return text.trim().split(/\s+/).filter(Boolean).map(Number)
  } catch {
    return []
  }
}
