import { describe, expect, it } from 'vitest'

import { createMemoryTransport } from '../../../electron/common/api-memory'
import { createApi } from '../../../electron/common/client'
import { contract, type Handlers } from '../../../electron/common/contract'
import { createDispatcher } from '../../../electron/common/dispatch'
import { AppError } from '../../../electron/common/errors'
import { EVENT_NAMES, METHOD_NAMES } from '../../../electron/common/names'

const ctx = { transport: 'memory' as const }

describe('contract', () => {
  it('declares a schema for every method name and a payload for every event', () => {
    expect(Object.keys(contract.methods).sort()).toEqual([...METHOD_NAMES].sort())
    expect(Object.keys(contract.events).sort()).toEqual([...EVENT_NAMES].sort())
  })
})

describe('dispatcher', () => {
  const handlers = {
    'processes.inspect': async ({ pid }: { pid: number }) => {
      if (pid === 2) throw new AppError({ code: 'NO_SUCH_PROCESS', message: 'gone', why: 'exited' })
      if (pid === 3) throw new Error('boom')
      return { pid }
    }
  } as unknown as Handlers
  const internal: string[] = []
  const dispatch = createDispatcher(handlers, (m) => internal.push(m))

  it('refuses unknown and inherited method names', async () => {
    for (const m of ['nope', '__proto__', 'toString', 'constructor', 42]) {
      const r = await dispatch(m, {}, ctx)
      expect(r).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } })
    }
  })

  it('rejects bad input with the issue path', async () => {
    const r = await dispatch('processes.inspect', { pid: 'x' }, ctx)
    expect(r).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
    expect(!r.ok && r.error.why).toMatch(/pid/)
    const extra = await dispatch('processes.inspect', { pid: 1, evil: true }, ctx)
    expect(extra).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
  })

  it('keeps AppError codes and hides other exceptions as INTERNAL', async () => {
    expect(await dispatch('processes.inspect', { pid: 1 }, ctx)).toEqual({
      ok: true,
      value: { pid: 1 }
    })
    expect(await dispatch('processes.inspect', { pid: 2 }, ctx)).toEqual({
      ok: false,
      error: { code: 'NO_SUCH_PROCESS', message: 'gone', why: 'exited' }
    })
    const r = await dispatch('processes.inspect', { pid: 3 }, ctx)
    expect(r).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: 'boom' } })
    expect(internal).toEqual(['processes.inspect'])
  })

  it('round-trips through the client, which throws AppError', async () => {
    const { transport, emit } = createMemoryTransport(dispatch)
    const api = createApi(transport)
    expect(await api['processes.inspect']({ pid: 5 })).toEqual({ pid: 5 })
    const err = await api['processes.inspect']({ pid: 2 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).code).toBe('NO_SUCH_PROCESS')
    const got: unknown[] = []
    const off = api.subscribe('job.progress', (p) => got.push(p.phase))
    emit('job.progress', {
      jobId: 'j',
      kind: 'freeze',
      phase: 'dumping',
      message: 'm',
      bytesWritten: null,
      elapsedMs: 1
    })
    off()
    emit('job.progress', {
      jobId: 'j',
      kind: 'freeze',
      phase: 'after',
      message: 'm',
      bytesWritten: null,
      elapsedMs: 1
    })
    expect(got).toEqual(['dumping'])
  })
})
