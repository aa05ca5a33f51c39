/**
 * `icebox serve` survives what anyone on the machine can send it without the token, and what a
 * client with the token can send over the WebSocket: raw sockets, one abuse at a time, each
 * followed by a normal authorised request.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { createDispatcher } from '../../../electron/common/dispatch'
import type { Handlers } from '../../../electron/common/contract'
import { startServer, type RunningServer } from '../../../electron/server/serve'

const TOKEN = 'abuse-token'

/** Opens a raw TCP socket and collects what the server sends until it closes. */
function open(port: number): Promise<{ socket: Socket; received: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      let text = ''
      const received = new Promise<string>((done) => {
        socket.on('data', (d: Buffer) => (text += d.toString('latin1')))
        socket.on('close', () => done(text))
        socket.on('error', () => undefined)
      })
      resolve({ socket, received })
    })
    socket.once('error', reject)
  })
}

function upgradeRequest(port: number, query: string, extra = ''): string {
  return (
    `GET /rpc${query} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
    'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
    `Sec-WebSocket-Version: 13\r\n${extra}\r\n`
  )
}

/** One masked client frame; `length` may claim more than `payload` holds. */
function frame(opcode: number, payload: Buffer, length = payload.length): Buffer {
  const head =
    length < 126
      ? Buffer.from([0x80 | opcode, 0x80 | length])
      : Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | 127]), bigLength(length)])
  const mask = Buffer.from([1, 2, 3, 4])
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!))
  return Buffer.concat([head, mask, body])
}

function bigLength(n: number): Buffer {
  const b = Buffer.alloc(8)
  b.writeBigUInt64BE(BigInt(n))
  return b
}

/** An authorised WebSocket on a raw socket, past the 101 answer. */
async function authorisedWs(port: number): Promise<{ socket: Socket; received: Promise<string> }> {
  const c = await open(port)
  const switched = new Promise<void>((ok) => {
    let seen = ''
    const onData = (d: Buffer): void => {
      seen += d.toString('latin1')
      if (seen.includes('\r\n\r\n')) {
        c.socket.off('data', onData)
        ok()
      }
    }
    c.socket.on('data', onData)
  })
  c.socket.write(upgradeRequest(port, `?token=${TOKEN}`))
  await switched
  return c
}

/** A call over a fresh authorised WebSocket: the server still works for everyone else. */
async function stillServes(port: number): Promise<void> {
  const c = await authorisedWs(port)
  const reply = new Promise<string>((ok) =>
    c.socket.on('data', (d: Buffer) => {
      if (d.toString('latin1').includes('"kernel":"test"')) ok('answered')
    })
  )
  c.socket.write(frame(1, Buffer.from(JSON.stringify({ t: 'call', id: 1, method: 'system.info' }))))
  expect(await reply).toBe('answered')
  c.socket.destroy()
}

describe('icebox serve under abuse', () => {
  let server: RunningServer
  const crashes: unknown[] = []
  const onCrash = (err: unknown): void => void crashes.push(err)

  beforeAll(async () => {
    // An 'error' event nobody listens to kills `icebox serve`; here it would only be reported.
    process.on('uncaughtException', onCrash)
    const dir = mkdtempSync(join(tmpdir(), 'icebox-abuse-'))
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Icebox</title>')
    const handlers = { 'system.info': async () => ({ kernel: 'test' }) } as unknown as Handlers
    server = await startServer({
      staticDir: dir,
      dispatch: createDispatcher(handlers),
      token: TOKEN
    })
  })
  afterAll(async () => {
    await server.close()
    process.off('uncaughtException', onCrash)
  })
  afterEach(async () => {
    await stillServes(server.port)
    // Give a late 'error' event the time to surface before judging.
    await new Promise((r) => setTimeout(r, 100))
    expect(crashes.splice(0).map(String)).toEqual([])
  })

  it('survives a refused upgrade with a large body whose sender resets the connection', async () => {
    // The reset races the server's answer: try it at several moments.
    for (const delay of [-1, -1, 0, 1, 5, 20]) {
      const c = await open(server.port)
      const body = 'x'.repeat(100_000)
      c.socket.write(upgradeRequest(server.port, '', `Content-Length: ${body.length}\r\n`) + body)
      if (delay >= 0) await new Promise((r) => setTimeout(r, delay))
      c.socket.resetAndDestroy()
      await c.received
    }
  })

  it('answers a refused upgrade with 401 and closes the socket', async () => {
    const c = await open(server.port)
    c.socket.write(upgradeRequest(server.port, ''))
    expect(await c.received).toMatch(/^HTTP\/1\.1 401 /)
  })

  it('drops a refused upgrade rather than keeping it open for the client', async () => {
    const socket = connect({ port: server.port, host: '127.0.0.1', allowHalfOpen: true })
    const gone = new Promise<string>((done) => {
      socket.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? 'error'))
      socket.on('close', () => done('closed'))
    })
    const answered = new Promise<void>((ok) => socket.once('end', () => ok()))
    socket.resume()
    socket.write(upgradeRequest(server.port, ''))
    await answered
    // A half-closed socket would take these bytes in silence; a closed one resets.
    const poke = setInterval(() => socket.write('more'), 20)
    const outcome = await Promise.race([
      gone,
      new Promise((r) => setTimeout(() => r('open'), 2000))
    ])
    clearInterval(poke)
    socket.destroy()
    expect(outcome).not.toBe('open')
  })

  it('closes only the client that sends a frame over the size limit', async () => {
    const c = await authorisedWs(server.port)
    c.socket.write(frame(2, Buffer.alloc(0), 2 * 1024 * 1024))
    const text = await c.received
    // A close frame with status 1009 (message too big).
    expect(text.includes('\x88\x02\x03\xf1')).toBe(true)
  })

  it('closes only the client that sends a text frame of invalid UTF-8', async () => {
    const c = await authorisedWs(server.port)
    c.socket.write(frame(1, Buffer.from([0x7b, 0xff, 0xfe, 0x7d])))
    const text = await c.received
    // A close frame with status 1007 (invalid frame payload data).
    expect(text.includes('\x88\x02\x03\xef')).toBe(true)
  })

  it('answers 400 to a path that is not valid percent-encoding', async () => {
    const c = await open(server.port)
    c.socket.write(
      `GET /%ff?token=${TOKEN} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close\r\n\r\n`
    )
    expect(await c.received).toMatch(/^HTTP\/1\.1 400 /)
  })
})
