/**
 * Helpers for the engine tests: a throwaway store, waiting for a workload to leave the test's
 * stdout pipe, polling, and killing restored processes (they are not children of the test).
 */
import { mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterEach, beforeEach } from 'vitest'

import { openStore, type SnapshotStore } from '../../../electron/core/snapshots/store'
import type { Workload } from '../../support/workloads'

export function tmpStore(): { store: SnapshotStore; root: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'icebox-engine-'))
  return {
    store: openStore(join(root, 'store')),
    root,
    cleanup: () => rmSync(root, { recursive: true, force: true })
  }
}

/** Polls until `check` returns a truthy value. */
export async function waitUntil<T>(
  check: () => T,
  what: string,
  timeoutMs = 10_000
): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const v = check()
    if (v) return v as NonNullable<T>
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

/** Waits until the workload has put /dev/null over its stdout (engine-common.h). */
export function waitDetached(pid: number): Promise<boolean> {
  return waitUntil(() => {
    try {
      return readlinkSync(`/proc/${pid}/fd/1`) === '/dev/null'
    } catch {
      return false
    }
  }, `pid ${pid} to detach`)
}

/** State letter of a process, or null. */
export function stateOf(pid: number): string | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return s.slice(s.lastIndexOf(')') + 2).split(' ')[0] ?? null
  } catch {
    return null
  }
}

export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}

/** SIGKILLs restored processes (children of nobody here) and ignores the ones already gone. */
export function killAll(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // gone already
    }
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** The counter workloads' sequence (engine-counter, engine-tty): line n is "n x_n", xorshift64. */
export function expectedLines(count: number): string[] {
  let x = 88172645463325252n
  const mask = (1n << 64n) - 1n
  const out: string[] = []
  for (let n = 0; n < count; n++) {
    x ^= (x << 13n) & mask
    x ^= x >> 7n
    x ^= (x << 17n) & mask
    out.push(`${n} ${x}`)
  }
  return out
}

/** What an engine test works with; store and root are new for each test. */
export interface EngineFixture {
  readonly store: SnapshotStore
  readonly root: string
  /** Workloads to stop after the test. */
  workloads: Workload[]
  /** Restored pids to kill after the test (they are not children of the test). */
  restored: number[]
}

/** Registers the per-test store and the clean-up of workloads and restored processes. */
export function useEngineFixture(): EngineFixture {
  let current: ReturnType<typeof tmpStore> | null = null
  const fx: EngineFixture = {
    get store() {
      if (!current) throw new Error('the engine fixture is used outside a test')
      return current.store
    },
    get root() {
      if (!current) throw new Error('the engine fixture is used outside a test')
      return current.root
    },
    workloads: [],
    restored: []
  }
  beforeEach(() => {
    current = tmpStore()
  })
  afterEach(async () => {
    killAll(fx.restored.splice(0))
    for (const w of fx.workloads.splice(0)) await w.stop()
    current?.cleanup()
    current = null
  })
  return fx
}
