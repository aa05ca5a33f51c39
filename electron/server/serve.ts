/**
 * `icebox serve`: the built renderer and the contract over loopback HTTP + WebSocket.
 *
 * Hygiene (docs/style-guide §2c "Bridge hygiene"): loopback bind unless explicitly allowed, a
 * random token in the query of the page, of the first screen and of the WebSocket (never a
 * cookie: browsers do not keep cookies apart by port, so any other server on the machine would
 * receive it), Host checked against our own names (DNS rebinding), Origin checked on every
 * request and on the WebSocket upgrade, strict CSP on the page, JSON frames validated by the
 * dispatcher. The files the page loads by itself (bundles, icon) hold no data and need no token.
 * Process rows travel packed (common/row-codec); the first screen of rows is also a plain GET
 * (common/first-screen) that the page's Link header preloads.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, resolve, sep } from 'node:path'

import { WebSocketServer, type WebSocket } from 'ws'

import type { Connection, EventPayload } from '../common/contract'
import type { Dispatch } from '../common/dispatch'
import type { EventName } from '../common/names'
import { FIRST_SCREEN_PATH, FIRST_SCREEN_ROWS, firstScreenUrl } from '../common/first-screen'
import { packForWire } from '../common/row-codec'
import { allowedHosts, checkBindAddress, hostAllowed, originAllowed } from './bind-policy'
import { listenError } from './listen-error'

export interface ServeOptions {
  host?: string
  port?: number
  allowRemote?: boolean
  /** Directory of the built renderer (dist/renderer). */
  staticDir: string
  dispatch: Dispatch
  /** Fixed token (tests); random otherwise. */
  token?: string
  log?: (line: string) => void
}

export interface RunningServer {
  url: string
  port: number
  host: string
  token: string
  /** A warning printed at start (non-loopback bind), or null. */
  warning: string | null
  broadcast<E extends EventName>(name: E, payload: EventPayload<E>): void
  close(): Promise<void>
}

const MAX_FRAME = 1024 * 1024
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2'
}

/** The CSP sent with every page (mirrors renderer/index.html, plus our WebSocket). */
export function contentSecurityPolicy(hostPort: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ws://${hostPort}`,
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
    "frame-ancestors 'none'"
  ].join('; ')
}

/**
 * The page is never cached; the bundles under /assets/ are named by their content hash (vite),
 * so the browser may keep them: a reload then neither fetches nor compiles them again (V8 reuses
 * its code cache only for cached scripts). `private`: no shared cache needs to keep them.
 */
export function cacheControl(path: string): string {
  return path.startsWith('/assets/') ? 'private, max-age=31536000, immutable' : 'no-store'
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** The path decoded, or null when it is not valid percent-encoding (`/%ff`). */
function decodePath(pathname: string): string | null {
  try {
    return decodeURIComponent(pathname)
  } catch {
    return null
  }
}

/** Starts the server; resolves once it listens. */
export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1'
  const warning = checkBindAddress(host, opts.allowRemote ?? false)
  const token = opts.token ?? randomBytes(24).toString('base64url')
  const log = opts.log ?? (() => {})
  const root = resolve(opts.staticDir)
  let allowed = new Set<string>()

  /** Only the query carries the token: a cookie would also reach other ports of this host. */
  const authorized = (url: URL): boolean => {
    const q = url.searchParams.get('token')
    return q !== null && safeEqual(q, token)
  }

  /** Host, Origin and (unless `open`) token checks shared by HTTP and the upgrade. */
  const refuse = (req: IncomingMessage, url: URL, open = false): [number, string] | null => {
    if (!hostAllowed(req.headers.host, allowed)) return [403, 'Host not allowed']
    if (!originAllowed(req.headers.origin, allowed)) return [403, 'Origin not allowed']
    if (!open && !authorized(url)) return [401, 'Missing or wrong token']
    return null
  }

  /** The renderer's own files, except the page: code and an icon, no data and no secret. */
  const isOpenFile = (file: string): boolean =>
    file.startsWith(root + sep) && file !== join(root, 'index.html')

  const server = createServer((req, res) => {
    void handleHttp(req, res).catch((err: unknown) => {
      log(`serve: ${String(err)}`)
      if (!res.headersSent) res.writeHead(500).end('Internal error')
    })
  })

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://placeholder')
    const decoded = decodePath(url.pathname)
    const rel = decoded === null || decoded === '/' || decoded === '' ? '/index.html' : decoded
    const file = resolve(join(root, rel))
    const open = decoded !== null && rel !== FIRST_SCREEN_PATH && isOpenFile(file)
    const refused = refuse(req, url, open)
    if (refused) {
      log(`serve: refused ${req.method} ${url.pathname}: ${refused[1]}`)
      res.writeHead(refused[0], { 'content-type': 'text/plain; charset=utf-8' }).end(refused[1])
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end()
      return
    }
    if (decoded === null) {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('Bad request')
      return
    }
    const headers: Record<string, string> = {
      'cache-control': cacheControl(rel),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'x-frame-options': 'DENY'
    }
    if (rel === FIRST_SCREEN_PATH) {
      // The processes.list answer for the first screen, in the WebSocket's wire form.
      const result = await opts.dispatch(
        'processes.list',
        { firstRows: FIRST_SCREEN_ROWS },
        { transport: 'http' }
      )
      const wire = result.ok
        ? { ok: true, value: packForWire('processes.list', result.value) }
        : result
      headers['content-type'] = TYPES['.json']!
      res.writeHead(200, headers).end(req.method === 'HEAD' ? undefined : JSON.stringify(wire))
      return
    }
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403, headers).end('Forbidden')
      return
    }
    const info = await stat(file).catch(() => null)
    if (!info?.isFile()) {
      res.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('Not found')
      return
    }
    const type = TYPES[extname(file)] ?? 'application/octet-stream'
    headers['content-type'] = type
    if (type.startsWith('text/html')) {
      headers['content-security-policy'] = contentSecurityPolicy(req.headers.host ?? '')
      // The page got here with the token (it is not open), so the same URL carries it on.
      headers.link = `<${firstScreenUrl(token)}>; rel=preload; as=fetch; crossorigin`
    }
    const body = await readFile(file)
    res.writeHead(200, headers).end(req.method === 'HEAD' ? undefined : body)
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME })
  const clients = new Set<WebSocket>()

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://placeholder')
    const refused = url.pathname === '/rpc' ? refuse(req, url) : ([404, 'Not found'] as const)
    if (refused) {
      log(`serve: refused WebSocket ${url.pathname}: ${refused[1]}`)
      // Node leaves an upgrade's socket without an 'error' listener: a peer that resets it
      // while we answer would otherwise end the process.
      socket.on('error', () => socket.destroy())
      socket.once('finish', () => socket.destroy())
      socket.end(`HTTP/1.1 ${refused[0]} ${refused[1]}\r\nConnection: close\r\n\r\n`)
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws)
      const connection = connectionOf(ws)
      // A frame over MAX_FRAME or a text frame of invalid UTF-8: ws has already started closing
      // this client with the right status; without a listener the error would end the process.
      ws.on('error', (err) => {
        log(`serve: closed a WebSocket: ${err.message}`)
        ws.close()
      })
      ws.on('close', () => clients.delete(ws))
      ws.on('message', (data) => void onFrame(ws, connection, data.toString()))
    })
  })

  let nextConnection = 1
  /** The handlers' view of one WebSocket: events to it alone, and its end. */
  function connectionOf(ws: WebSocket): Connection {
    let closed = false
    const closers: Array<() => void> = []
    ws.on('close', () => {
      closed = true
      for (const fn of closers.splice(0)) fn()
    })
    return {
      id: `ws-${nextConnection++}`,
      emit(name, payload) {
        if (ws.readyState === ws.OPEN)
          ws.send(JSON.stringify({ t: 'event', name, payload: packForWire(name, payload) }))
      },
      onClose(fn) {
        if (closed) fn()
        else closers.push(fn)
      }
    }
  }

  async function onFrame(ws: WebSocket, connection: Connection, text: string): Promise<void> {
    let frame: unknown
    try {
      frame = JSON.parse(text)
    } catch {
      return
    }
    if (typeof frame !== 'object' || frame === null) return
    const { t, id, method, input } = frame as Record<string, unknown>
    if (t !== 'call' || (typeof id !== 'number' && typeof id !== 'string')) return
    const result = await opts.dispatch(method, input, { transport: 'ws', connection })
    const wire = result.ok ? { ok: true, value: packForWire(String(method), result.value) } : result
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ t: 'result', id, result: wire }))
  }

  await new Promise<void>((ok, fail) => {
    server.once('error', (err) => fail(listenError(err, host, opts.port ?? 0)))
    server.listen(opts.port ?? 0, host, () => ok())
  })
  const port = (server.address() as AddressInfo).port
  allowed = allowedHosts(host, port)
  const shownHost = host.includes(':') ? `[${host}]` : host
  const url = `http://${shownHost}:${port}/?token=${token}`

  return {
    url,
    port,
    host,
    token,
    warning,
    broadcast(name, payload) {
      const text = JSON.stringify({ t: 'event', name, payload: packForWire(name, payload) })
      for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(text)
    },
    async close() {
      for (const ws of clients) ws.terminate()
      wss.close()
      await new Promise<void>((r) => server.close(() => r()))
    }
  }
}
