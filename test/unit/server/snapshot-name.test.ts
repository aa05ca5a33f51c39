import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'

import { parseName } from '../../../electron/cli/commands/freeze'
import type { Handlers } from '../../../electron/common/contract'
import { createDispatcher } from '../../../electron/common/dispatch'
import { snapshotNameProblem } from '../../../electron/common/snapshot-name'
import { startServer, type RunningServer } from '../../../electron/server/serve'

const OPTIONS = {
  leaveRunning: false,
  tcp: 'none',
  extUnixSockets: false,
  fileLocks: false,
  shellJob: false,
  linkRemap: false
}
const RLO = 'invoice\u202Efdp.exe'
const LONG = 'x'.repeat(65)

/** The names freeze.start handed to the core, in order. */
const received: unknown[] = []
const handlers = {
  'freeze.start': async (input: { name?: string }) => {
    received.push(input.name)
    return { jobId: 'j1' }
  }
} as unknown as Handlers
const dispatch = createDispatcher(handlers)

describe('one snapshot name rule', () => {
  it('accepts printable names up to 64 characters and trims them', () => {
    expect(snapshotNameProblem('before upgrade: ü 日本')).toBeNull()
    expect(snapshotNameProblem('x'.repeat(64))).toBeNull()
    expect(snapshotNameProblem(LONG)).toMatch(/longer than 64/)
    expect(snapshotNameProblem('')).toMatch(/empty/)
    expect(snapshotNameProblem(RLO)).toMatch(/U\+202E/)
    expect(snapshotNameProblem('a\u200Bb')).toMatch(/U\+200B/)
    expect(snapshotNameProblem('a\nb')).toMatch(/U\+000A/)
    expect(snapshotNameProblem('a\u001b[31mb')).toMatch(/U\+001B/)
  })

  it('is the rule of the CLI', () => {
    expect(parseName('  nightly  ')).toBe('nightly')
    for (const bad of [RLO, LONG, '   ', 'a\tb']) {
      expect(() => parseName(bad)).toThrow(/1 to 64 printable characters/)
    }
  })

  it('is the rule of the contract (Electron IPC and WebSocket both dispatch through it)', async () => {
    received.length = 0
    const call = (name: string) =>
      dispatch('freeze.start', { pid: 42, options: OPTIONS, name }, { transport: 'ipc' })
    expect(await call('  nightly ')).toMatchObject({ ok: true })
    for (const bad of [RLO, LONG, '  ']) {
      const r = await call(bad)
      expect(r).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
      expect(JSON.stringify(r)).toMatch(/1 to 64 printable characters/)
    }
    expect(received).toEqual(['nightly'])
  })
})

describe('snapshot names over the icebox serve WebSocket', () => {
  let server: RunningServer
  const token = 'name-token'
  beforeAll(async () => {
    server = await startServer({
      staticDir: mkdtempSync(join(tmpdir(), 'icebox-name-')),
      dispatch,
      token
    })
  })
  afterAll(() => server.close())

  it('refuses a name with U+202E or over 64 characters before the core sees it', async () => {
    received.length = 0
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/rpc?token=${token}`, {
      headers: { origin: `http://127.0.0.1:${server.port}` }
    })
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
    const call = (id: number, name: string) =>
      new Promise<{ result: { ok: boolean; error?: { code: string; why?: string } } }>((r) => {
        ws.once('message', (d) => r(JSON.parse(String(d))))
        ws.send(
          JSON.stringify({
            t: 'call',
            id,
            method: 'freeze.start',
            input: { pid: 42, options: OPTIONS, name }
          })
        )
      })
    expect((await call(1, RLO)).result).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
    expect((await call(2, LONG)).result).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
    expect((await call(3, ' ok name ')).result).toMatchObject({ ok: true })
    expect(received).toEqual(['ok name'])
    ws.close()
  })
})
