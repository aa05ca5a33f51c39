/**
 * Connections across a freeze: TCP kept (--tcp-established, nftables lock) or closed
 * (--tcp-close), and unix sockets to a peer outside the tree (datagram with --ext-unix-sk;
 * stream refused before criu runs).
 */
import { createServer, type Server, type Socket } from 'node:net'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { AppError } from '../../../electron/common/errors'
import { freeze } from '../../../electron/core/engine/freeze'
import { restore } from '../../../electron/core/engine/restore'
import { startWorkload, waitForPidGone, type Workload } from '../../support/workloads'
import { killAll, readText, stateOf, useEngineFixture, waitDetached, waitUntil } from './helpers'

const fx = useEngineFixture()
let server: Server | null = null
afterEach(() => {
  server?.close()
  server = null
})

async function launch(name: string, args: string[]): Promise<Workload> {
  const w = await startWorkload(name, args)
  fx.workloads.push(w)
  await waitDetached(w.pid)
  return w
}

/** A loopback server in the test process (outside the frozen tree); resolves its port. */
async function listen(): Promise<{ port: number; conn: Promise<Socket> }> {
  let accept: (s: Socket) => void = () => {}
  const conn = new Promise<Socket>((r) => (accept = r))
  server = createServer((s) => accept(s))
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()))
  const addr = server.address()
  return { port: typeof addr === 'object' && addr ? addr.port : 0, conn }
}

function ask(sock: Socket, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no echo for ${text}`)), 10_000)
    sock.once('data', (d) => {
      clearTimeout(timer)
      resolve(d.toString())
    })
    sock.write(text)
  })
}

describe('engine: TCP', () => {
  it('--tcp-established keeps the connection (nftables lock); a second restore is refused', async () => {
    const { port, conn } = await listen()
    const w = await launch('engine-tcp', [String(port), join(fx.root, 'status')])
    const sock = await conn
    sock.on('error', () => {})
    expect(await ask(sock, 'ping1')).toBe('echo:ping1')

    const m = await freeze({ pid: w.pid, choices: { tcp: 'established' }, store: fx.store })
    expect(m.flags).toMatchObject({ tcp: 'established', networkLock: 'nftables' })
    expect(m.flags.argv).toEqual(
      expect.arrayContaining(['--tcp-established', '--network-lock', 'nftables'])
    )
    await w.stop()
    await waitForPidGone(w.pid)

    const r = await restore(m.id, { store: fx.store })
    fx.restored.push(r.rootPid)
    expect(await ask(sock, 'ping2')).toBe('echo:ping2')

    killAll([r.rootPid])
    await waitUntil(
      () => stateOf(r.rootPid) === null || stateOf(r.rootPid) === 'Z',
      'restored gone'
    )
    const err = await restore(m.id, { store: fx.store }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).code).toBe('RESTORE_PREFLIGHT')
    expect((err as AppError).message).toMatch(/already restored once/)
    expect(fx.store.get(m.id).restores).toHaveLength(1)
  })

  it('--tcp-close restores the process with the connection closed', async () => {
    const { port, conn } = await listen()
    const status = join(fx.root, 'status')
    const w = await launch('engine-tcp', [String(port), status])
    const sock = await conn
    sock.on('error', () => {})
    expect(await ask(sock, 'ping1')).toBe('echo:ping1')
    const m = await freeze({ pid: w.pid, choices: { tcp: 'close' }, store: fx.store })
    expect(m.flags.tcp).toBe('close')
    await w.stop()
    await waitForPidGone(w.pid)
    const r = await restore(m.id, { store: fx.store })
    fx.restored.push(r.rootPid)
    await waitUntil(() => readText(status).includes('closed'), 'client sees the connection closed')
    expect(stateOf(r.rootPid)).toMatch(/[SR]/)
  })

  it('refuses to plan a TCP freeze without a choice', async () => {
    const { port, conn } = await listen()
    const w = await launch('engine-tcp', [String(port), join(fx.root, 'status')])
    await conn
    const err = await freeze({ pid: w.pid, choices: {}, store: fx.store }).catch((e: unknown) => e)
    expect((err as AppError).code).toBe('BAD_INPUT')
    expect((err as AppError).remedy).toMatch(/--tcp-established or --tcp-close/)
    expect(stateOf(w.pid)).toMatch(/[SR]/)
  })
})

describe('engine: unix sockets to an outside peer', () => {
  it('datagram: refused without --ext-unix-sk, restored with it while the peer lives', async () => {
    const path = join(fx.root, 'dgram.sock')
    const out = join(fx.root, 'received')
    await launch('engine-unix', ['server', 'dgram', path, out])
    const client = await launch('engine-unix', ['client', 'dgram', path])
    await waitUntil(() => readText(out).includes('tick 2'), 'peer receives')

    const err = await freeze({
      pid: client.pid,
      choices: { extUnixSk: false },
      store: fx.store
    }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).message).toMatch(/unix socket connected to a process outside/)
    expect((err as AppError).remedy).toMatch(/--ext-unix-sk/)
    expect(stateOf(client.pid)).toMatch(/[SR]/)
    expect(fx.store.list()).toEqual([])

    const m = await freeze({ pid: client.pid, choices: {}, store: fx.store })
    expect(m.flags.extUnixSk).toBe(true)
    expect(m.preflight.extUnixPeers).toHaveLength(1)
    await client.stop()
    await waitForPidGone(client.pid)
    const before = readText(out).trim().split('\n').length
    const r = await restore(m.id, { store: fx.store })
    fx.restored.push(r.rootPid)
    await waitUntil(
      () => readText(out).trim().split('\n').length >= before + 3,
      'ticks after restore'
    )
  })

  it('stream: refused before criu runs, with the explanation', async () => {
    const path = join(fx.root, 'stream.sock')
    await launch('engine-unix', ['server', 'stream', path, join(fx.root, 'received')])
    const client = await launch('engine-unix', ['client', 'stream', path])
    const err = await freeze({ pid: client.pid, choices: {}, store: fx.store }).catch(
      (e: unknown) => e
    )
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).code).toBe('NOT_FREEZABLE')
    expect((err as AppError).why).toMatch(/Can't dump half of stream unix connection/)
    expect(fx.store.list()).toEqual([])
    expect(fx.store.listFailed()).toEqual([])
    expect(stateOf(client.pid)).toMatch(/[SR]/)
  })
})
