/**
 * Socket values as people read them: addresses from inet_sk_entry words (§3 of the format
 * document: each u32 word holds 4 network-order bytes read little-endian), state and type names.
 */

import { escapeControls } from '../../common/control-chars'

const TCP_STATES: Record<number, string> = {
  1: 'ESTABLISHED',
  2: 'SYN_SENT',
  3: 'SYN_RECV',
  4: 'FIN_WAIT1',
  5: 'FIN_WAIT2',
  6: 'TIME_WAIT',
  7: 'CLOSE',
  8: 'CLOSE_WAIT',
  9: 'LAST_ACK',
  10: 'LISTEN',
  11: 'CLOSING'
}

const SOCK_TYPES: Record<number, string> = {
  1: 'stream',
  2: 'dgram',
  3: 'raw',
  5: 'seqpacket'
}

/** Kernel TCP state number → name; unknown numbers are shown as the number. */
export function tcpStateName(state: number): string {
  return TCP_STATES[state] ?? `state ${state}`
}

/** SOCK_* number → name. */
export function sockTypeName(type: number): string {
  return SOCK_TYPES[type] ?? `type ${type}`
}

/** Address bytes from the u32 words (each written back little-endian). */
export function addressBytes(words: readonly number[]): Uint8Array {
  const out = new Uint8Array(words.length * 4)
  const view = new DataView(out.buffer)
  words.forEach((w, i) => view.setUint32(i * 4, w >>> 0, true))
  return out
}

/** Formats an IPv4 (1 word) or IPv6 (4 words) address; null for anything else. */
export function formatAddress(words: readonly number[], family: number): string | null {
  const bytes = addressBytes(words)
  if (family === 2 && bytes.length >= 4) return Array.from(bytes.subarray(0, 4)).join('.')
  if (family === 10 && bytes.length >= 16) return formatIPv6(bytes.subarray(0, 16))
  return null
}

/** RFC 5952 text form: lowercase, longest run (≥ 2) of zero groups as "::", IPv4-mapped tail. */
export function formatIPv6(b: Uint8Array): string {
  const groups: number[] = []
  for (let i = 0; i < 16; i += 2) groups.push(((b[i] ?? 0) << 8) | (b[i + 1] ?? 0))
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff
  if (mapped) return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`
  let bestStart = -1
  let bestLen = 0
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLen) {
      bestStart = i
      bestLen = j - i
    }
    i = j
  }
  const hex = groups.map((g) => g.toString(16))
  if (bestLen < 2) return hex.join(':')
  const head = hex.slice(0, bestStart).join(':')
  const tail = hex.slice(bestStart + bestLen).join(':')
  return `${head}::${tail}`
}

const UTF8 = new TextDecoder()

/** "127.0.0.1:80" or "[::1]:80"; "*" for the unspecified address. */
export function formatEndpoint(words: readonly number[], family: number, port: number): string {
  const addr = formatAddress(words, family)
  if (addr === null) return `?:${port}`
  const host = addr === '0.0.0.0' || addr === '::' ? '*' : family === 10 ? `[${addr}]` : addr
  return `${host}:${port}`
}

/**
 * A unix socket name as text: a path (trailing NUL dropped), "@name" for an abstract name,
 * or null when unbound. Non-printable bytes are escaped as \xNN.
 */
export function formatUnixName(name: Uint8Array | undefined): string | null {
  if (name === undefined || name.length === 0) return null
  let bytes = name
  let prefix = ''
  if (bytes[0] === 0) {
    prefix = '@'
    bytes = bytes.subarray(1)
  } else {
    const nul = bytes.indexOf(0)
    if (nul >= 0) bytes = bytes.subarray(0, nul)
  }
  const text = escapeControls(UTF8.decode(bytes))
  return prefix + text
}
