import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'

import { createDispatcher } from '../../../electron/common/dispatch'
import type { Handlers } from '../../../electron/common/contract'
import { startServer, type RunningServer } from '../../../electron/server/serve'

function get(
  port: number,
  path: string,
  headers: Record<string, string> = {}
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, headers: { host: `127.0.0.1:${port}`, ...headers } },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => (body += c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      }
    )
    req.on('error', reject)
    req.end()
  })
}

function wsOpen(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers })
    ws.once('open', () => resolve(ws))
    ws.once('unexpected-response', (_req, res) => reject(new Error(`status ${res.statusCode}`)))
    ws.once('error', reject)
  })
}

describe('icebox serve hygiene', () => {
  let server: RunningServer
  const token = 'test-token-123'
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'icebox-serve-'))
    mkdirSync(join(dir, 'assets'))
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Icebox</title>')
    writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)')
    const handlers = {
      'system.info': async () => ({ kernel: 'test' })
    } as unknown as Handlers
    server = await startServer({ staticDir: dir, dispatch: createDispatcher(handlers), token })
  })
  afterAll(() => server.close())

  it('binds to loopback and prints a URL with the token', () => {
    expect(server.host).toBe('127.0.0.1')
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${token}`)
  })

  it('answers 401 without a token or with a wrong one', async () => {
    expect((await get(server.port, '/')).status).toBe(401)
    expect((await get(server.port, '/?token=nope')).status).toBe(401)
    expect((await get(server.port, '/index.html')).status).toBe(401)
    expect((await get(server.port, '/assets/..%2findex.html')).status).toBe(401)
    expect((await get(server.port, '/first-screen.json?token=nope')).status).toBe(401)
  })

  it('serves the page with CSP once the token is given, and its bundles without it', async () => {
    const res = await get(server.port, `/?token=${token}`)
    expect(res.status).toBe(200)
    expect(res.headers['content-security-policy']).toContain("default-src 'none'")
    expect(res.headers['content-security-policy']).toContain("script-src 'self'")
    // The bundles hold code, no data: the page loads them by relative URLs, without its query.
    const asset = await get(server.port, '/assets/app.js')
    expect(asset.status).toBe(200)
    expect(asset.body).toBe('console.log(1)')
  })

  it('sets no cookie, and a cookie with the token opens nothing', async () => {
    // Browsers send a 127.0.0.1 cookie to every port of 127.0.0.1: any other server there
    // would receive the token.
    for (const path of [
      `/?token=${token}`,
      `/index.html?token=${token}`,
      `/first-screen.json?token=${token}`,
      '/assets/app.js',
      '/',
      '/nope'
    ]) {
      expect((await get(server.port, path)).headers['set-cookie'], path).toBeUndefined()
    }
    const cookie = { cookie: `icebox_token=${token}` }
    expect((await get(server.port, '/', cookie)).status).toBe(401)
    expect((await get(server.port, '/first-screen.json', cookie)).status).toBe(401)
    await expect(wsOpen(`ws://127.0.0.1:${server.port}/rpc`, cookie)).rejects.toThrow('status 401')
  })

  it('lets the browser keep the content-hashed bundles but never the page', async () => {
    const page = await get(server.port, `/?token=${token}`)
    expect(page.headers['cache-control']).toBe('no-store')
    const asset = await get(server.port, '/assets/app.js')
    expect(asset.headers['cache-control']).toBe('private, max-age=31536000, immutable')
    const refused = await get(server.port, '/assets/app.js', { host: 'evil.example:80' })
    expect(refused.status).toBe(403)
    expect(refused.headers['cache-control']).toBeUndefined()
  })

  it('names the first screen of rows in a preload header, behind the token like the rest', async () => {
    const page = await get(server.port, `/?token=${token}`)
    expect(page.headers.link).toBe(
      `<./first-screen.json?token=${token}>; rel=preload; as=fetch; crossorigin`
    )
    expect((await get(server.port, '/first-screen.json')).status).toBe(401)
    const answer = await get(server.port, `/first-screen.json?token=${token}`)
    expect(answer.status).toBe(200)
    expect(answer.headers['cache-control']).toBe('no-store')
    // These handlers have no processes.list: the error travels as data, as over the WebSocket.
    expect(JSON.parse(answer.body)).toMatchObject({ ok: false })
  })

  it('answers 403 to a foreign Host (DNS rebinding) or Origin', async () => {
    const badHost = await get(server.port, `/?token=${token}`, { host: 'evil.example:80' })
    expect(badHost.status).toBe(403)
    const badOrigin = await get(server.port, `/?token=${token}`, { origin: 'http://evil.example' })
    expect(badOrigin.status).toBe(403)
    // The open files too: a rebound name must not reach anything here.
    const asset = await get(server.port, '/assets/app.js', { origin: 'http://evil.example' })
    expect(asset.status).toBe(403)
    const goodOrigin = await get(server.port, `/?token=${token}`, {
      origin: `http://127.0.0.1:${server.port}`
    })
    expect(goodOrigin.status).toBe(200)
  })

  it('refuses path traversal', async () => {
    const res = await get(server.port, `/..%2f..%2fetc%2fpasswd?token=${token}`)
    expect([403, 404]).toContain(res.status)
    expect(res.body).not.toContain('root:')
  })

  it('speaks the contract over WebSocket with the token and refuses it otherwise', async () => {
    const base = `ws://127.0.0.1:${server.port}/rpc`
    await expect(wsOpen(base)).rejects.toThrow('status 401')
    await expect(
      wsOpen(`${base}?token=${token}`, { origin: 'http://evil.example' })
    ).rejects.toThrow('status 403')
    const ws = await wsOpen(`${base}?token=${token}`, { origin: `http://127.0.0.1:${server.port}` })
    const reply = new Promise<unknown>((r) => ws.once('message', (d) => r(JSON.parse(String(d)))))
    ws.send(JSON.stringify({ t: 'call', id: 1, method: 'system.info' }))
    expect(await reply).toEqual({
      t: 'result',
      id: 1,
      result: { ok: true, value: { kernel: 'test' } }
    })
    const events = new Promise<unknown>((r) => ws.once('message', (d) => r(JSON.parse(String(d)))))
    server.broadcast('processes.changed', { takenAt: 'x', upserted: [], patched: [], removed: [3] })
    expect(await events).toEqual({
      t: 'event',
      name: 'processes.changed',
      // Rows travel packed (common/row-codec).
      payload: {
        takenAt: 'x',
        upserted: { packed: 'rows/1', strings: [], rows: [] },
        patched: { packed: 'patches/2', strings: [], runs: [] },
        removed: [3]
      }
    })
    ws.close()
  })

  it('refuses a non-loopback bind without --allow-remote', async () => {
    await expect(
      startServer({
        host: '0.0.0.0',
        staticDir: '/nonexistent',
        dispatch: createDispatcher({} as Handlers)
      })
    ).rejects.toThrow(/Refusing to listen on 0.0.0.0/)
  })

  it('binds elsewhere with --allow-remote and says so', async () => {
    const s = await startServer({
      host: '0.0.0.0',
      allowRemote: true,
      staticDir: '/nonexistent',
      dispatch: createDispatcher({} as Handlers)
    })
    expect(s.warning).toMatch(/reachable from other machines/)
    await s.close()
  })
})
