/**
 * Checklist #18: the renderer is served from app://icebox/ (not file://), only from the built
 * renderer directory, with path-traversal checks and the CSP as a header too (#7).
 */
import { readFile } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'

import { protocol } from 'electron'

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; object-src 'none'"

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png'
}

/** Must run before app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: false } }
  ])
}

/** Serves `rendererDir` under app://icebox/. */
export function handleAppProtocol(rendererDir: string): void {
  const root = normalize(rendererDir)
  protocol.handle('app', async (request) => {
    const url = new URL(request.url)
    if (url.host !== 'icebox') return new Response('Not found', { status: 404 })
    const rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname)
    const file = normalize(join(root, rel))
    if (!file.startsWith(root + sep)) return new Response('Forbidden', { status: 403 })
    try {
      const body = await readFile(file)
      return new Response(body, {
        headers: {
          'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
          'content-security-policy': CSP,
          'x-content-type-options': 'nosniff'
        }
      })
    } catch {
      return new Response('Not found', { status: 404 })
    }
  })
}
