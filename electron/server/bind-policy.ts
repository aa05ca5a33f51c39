/**
 * Which addresses `icebox serve` may bind to and which Host/Origin headers it accepts.
 *
 * The server runs the core as the calling user (often root), so it listens on loopback only
 * unless told otherwise, and it checks Host (DNS rebinding) and Origin (cross-site WebSocket).
 */
import { isIP } from 'node:net'
import { networkInterfaces } from 'node:os'

import { AppError } from '../common/errors'

/** True for 127.0.0.0/8, ::1 and "localhost". */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '')
  if (h === 'localhost' || h === '::1') return true
  return isIP(h) === 4 && h.startsWith('127.')
}

/**
 * Refuses a non-loopback bind unless `allowRemote` is set; returns a warning to print when it is.
 */
export function checkBindAddress(host: string, allowRemote: boolean): string | null {
  if (isLoopback(host)) return null
  if (!allowRemote) {
    throw new AppError({
      code: 'BAD_INPUT',
      message: `Refusing to listen on ${host}.`,
      why: 'icebox serve gives full control over freezing and restoring processes; anyone who can reach it and has the token can use it.',
      remedy:
        'Use the default 127.0.0.1 and an SSH tunnel, or add --allow-remote if you really mean it.'
    })
  }
  return (
    `warning: listening on ${host}, which is reachable from other machines. Anyone with the ` +
    'URL (and its token) can freeze and restore processes as this user.'
  )
}

/** The Host header values that name this server (host:port forms). */
export function allowedHosts(bindHost: string, port: number): Set<string> {
  const wildcard = bindHost === '0.0.0.0' || bindHost === '::'
  // A wildcard bind answers on every interface: accept each interface address by name.
  const hosts = wildcard
    ? Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address))
    : [bindHost]
  const names = isLoopback(bindHost)
    ? ['127.0.0.1', 'localhost', '[::1]']
    : [...hosts.map((h) => (h.includes(':') ? `[${h}]` : h)), ...(wildcard ? ['localhost'] : [])]
  if (isLoopback(bindHost) && bindHost.startsWith('127.') && bindHost !== '127.0.0.1') {
    names.push(bindHost)
  }
  return new Set(names.map((n) => `${n}:${port}`))
}

/** True when the Host header names this server. */
export function hostAllowed(hostHeader: string | undefined, allowed: Set<string>): boolean {
  return hostHeader !== undefined && allowed.has(hostHeader.toLowerCase())
}

/** True when Origin is absent (same-origin navigation) or is http://<an allowed host>. */
export function originAllowed(origin: string | undefined, allowed: Set<string>): boolean {
  if (origin === undefined) return true
  for (const h of allowed) if (origin.toLowerCase() === `http://${h}`) return true
  return false
}
