/**
 * `icebox serve` pushes the live list: a WebSocket client that watches receives a new process as
 * a `processes.changed` event, without calling processes.list again.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'

import type { ProcessesChanged, ProcessList } from '../../../electron/common/api-types'
import { createDispatcher } from '../../../electron/common/dispatch'
import { unpackFromWire } from '../../../electron/common/row-codec'
import { startServer, type RunningServer } from '../../../electron/server/serve'
import { createFakeBackend, syntheticRows, type FakeBackend } from '../../e2e/support/fake-handlers'

interface Frame {
  t: string
  id?: number
  name?: string
  payload?: unknown
  result?: { ok: boolean; value?: unknown }
}

describe('icebox serve pushes processes.changed', () => {
  let server: RunningServer
  let backend: FakeBackend
  let ws: WebSocket
  const frames: Frame[] = []
  const sent: string[] = []
  const sentById = new Map<number, string>()
  let nextId = 1

  const call = (method: string, input?: unknown): Promise<unknown> => {
    const id = nextId++
    sent.push(method)
    sentById.set(id, method)
    ws.send(JSON.stringify({ t: 'call', id, method, input }))
    return waitFor((f) => f.t === 'result' && f.id === id).then((f) => f.result?.value)
  }
  const waitFor = (pred: (f: Frame) => boolean, ms = 5000): Promise<Frame> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no such frame')), ms)
      const check = (): void => {
        const f = frames.find(pred)
        if (f) {
          clearTimeout(timer)
          resolve(f)
        } else setTimeout(check, 10)
      }
      check()
    })

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'icebox-push-'))
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Icebox</title>')
    backend = createFakeBackend(syntheticRows(100))
    server = await startServer({
      staticDir: dir,
      dispatch: createDispatcher(backend.handlers),
      token: 't0k'
    })
    ws = new WebSocket(`ws://127.0.0.1:${server.port}/rpc?token=t0k`, {
      headers: { origin: `http://127.0.0.1:${server.port}` }
    })
    // Unpacked as the renderer's transport does (process rows travel packed).
    ws.on('message', (d) => {
      const f = JSON.parse(d.toString()) as Frame
      if (f.t === 'event' && f.name) f.payload = unpackFromWire(f.name, f.payload)
      const method = sentById.get(f.id ?? -1)
      if (f.t === 'result' && method && f.result?.ok)
        f.result.value = unpackFromWire(method, f.result.value)
      frames.push(f)
    })
    await new Promise((r) => ws.once('open', r))
  })
  afterAll(async () => {
    backend.stop()
    ws.close()
    await server.close()
  })

  it('sends a new process as a change set, with no polling by the client', async () => {
    const list = (await call('processes.list')) as ProcessList
    expect(list.rows).toHaveLength(100)
    expect(await call('processes.watch', { intervalMs: 500, paused: false })).toEqual({
      watching: true
    })
    const rows = syntheticRows(100)
    rows.push({ ...rows[5]!, pid: 4242, ppid: 1, name: 'newcomer', command: 'newcomer --x' })
    backend.setRows(rows.filter((r) => r.pid !== 7))
    const event = await waitFor((f) => f.t === 'event' && f.name === 'processes.changed')
    const changes = event.payload as ProcessesChanged
    expect(changes.since).toBe(list.takenAt)
    expect(changes.upserted.map((r) => r.name)).toEqual(['newcomer'])
    expect(changes.removed).toEqual([7])
    // The client asked for the list once; everything after came as pushed changes.
    expect(sent.filter((m) => m === 'processes.list')).toHaveLength(1)
  })

  it('answers the first screen of rows over a plain GET too', async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/first-screen.json?token=t0k`)
    expect(res.status).toBe(200)
    const result = (await res.json()) as { ok: boolean; value: unknown }
    const list = unpackFromWire('processes.list', result.value) as ProcessList
    expect(list.partial).toBe(true)
    expect(list.rows).toHaveLength(100)
  })

  it('stops pushing while paused', async () => {
    await call('processes.watch', { intervalMs: 500, paused: true })
    const seen = frames.length
    backend.setRows(syntheticRows(90))
    await new Promise((r) => setTimeout(r, 1200))
    expect(frames.slice(seen).filter((f) => f.t === 'event')).toEqual([])
  })

  it('refuses an interval below the minimum', async () => {
    const id = nextId++
    ws.send(
      JSON.stringify({
        t: 'call',
        id,
        method: 'processes.watch',
        input: { intervalMs: 10, paused: false }
      })
    )
    const f = await waitFor((x) => x.t === 'result' && x.id === id)
    expect(f.result?.ok).toBe(false)
  })
})
