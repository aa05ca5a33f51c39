/**
 * /proc/net/{tcp,tcp6,udp,udp6,raw,raw6,unix,netlink,packet}: one line per socket of the
 * reader's network namespace, keyed here by socket inode so fds ("socket:[ino]") can be joined.
 *
 * Addresses are hex dumps of the kernel's in-memory words: an IPv4 address is one 32-bit word
 * and an IPv6 address four, each printed in host byte order (little-endian on every platform
 * Icebox supports), so each 8-hex-digit word has its bytes reversed.
 */
import type { SocketProto } from '../../common/model'

/** A socket found in one of the /proc/net tables. */
export interface NetSocket {
  proto: SocketProto
  inode: number
  type: string | null
  state: string | null
  local: string | null
  remote: string | null
}

export type InetProto = 'tcp' | 'tcp6' | 'udp' | 'udp6' | 'raw' | 'raw6'

/** include/net/tcp_states.h */
const TCP_STATES = [
  'UNKNOWN',
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'TIME_WAIT',
  'CLOSE',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'CLOSING',
  'NEW_SYN_RECV'
]

/** TCP state name from the hex "st" column. */
export function tcpStateName(hex: string): string {
  const n = parseInt(hex, 16)
  return TCP_STATES[n] ?? `UNKNOWN(${hex})`
}

/** UDP/raw sockets reuse the TCP numbers: 07 is an unconnected socket, 01 a connected one. */
function datagramStateName(hex: string): string {
  const n = parseInt(hex, 16)
  if (n === 7) return 'UNCONN'
  if (n === 1) return 'ESTABLISHED'
  return TCP_STATES[n] ?? `UNKNOWN(${hex})`
}

/** "0100007F" → "127.0.0.1" (one little-endian word). */
export function decodeIpv4(hex: string): string | null {
  if (hex.length !== 8) return null
  const n = parseInt(hex, 16)
  if (!Number.isFinite(n)) return null
  return `${n & 255}.${(n >>> 8) & 255}.${(n >>> 16) & 255}.${n >>> 24}`
}

/** 32 hex digits (four little-endian words) → RFC 5952 text ("::1", "::ffff:127.0.0.1"). */
export function decodeIpv6(hex: string): string | null {
  if (hex.length !== 32 || !/^[0-9A-Fa-f]+$/.test(hex)) return null
  const bytes: number[] = []
  for (let w = 0; w < 4; w++) {
    const word = hex.slice(w * 8, w * 8 + 8)
    for (let b = 3; b >= 0; b--) bytes.push(parseInt(word.slice(b * 2, b * 2 + 2), 16))
  }
  const words: number[] = []
  for (let i = 0; i < 16; i += 2) words.push((bytes[i]! << 8) | bytes[i + 1]!)
  const mapped = words.slice(0, 5).every((x) => x === 0) && words[5] === 0xffff
  if (mapped) return `::ffff:${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`
  // Longest run of at least two zero words becomes "::" (first one on ties).
  let bestStart = -1
  let bestLen = 0
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && words[j] === 0) j++
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i
      bestLen = j - i
    }
    i = j
  }
  const hexWords = words.map((x) => x.toString(16))
  if (bestStart < 0) return hexWords.join(':')
  const head = hexWords.slice(0, bestStart).join(':')
  const tail = hexWords.slice(bestStart + bestLen).join(':')
  return `${head}::${tail}`
}

/** "0100007F:1F90" → "127.0.0.1:8080"; IPv6 in brackets: "[::1]:8080". */
export function decodeInetAddress(text: string, v6: boolean): string | null {
  const colon = text.indexOf(':')
  if (colon < 0) return null
  const port = parseInt(text.slice(colon + 1), 16)
  if (!Number.isFinite(port)) return null
  const hex = text.slice(0, colon)
  const ip = v6 ? decodeIpv6(hex) : decodeIpv4(hex)
  if (ip === null) return null
  return v6 ? `[${ip}]:${port}` : `${ip}:${port}`
}

/**
 * The first `count` space-separated tokens of a line, without a regex (the tables hold one
 * line per socket of the namespace: thousands on a busy machine).
 */
function tokens(line: string, count: number): string[] {
  const out: string[] = []
  let i = 0
  const n = line.length
  while (out.length < count) {
    while (i < n && line.charCodeAt(i) === 32) i++
    if (i >= n) break
    const start = i
    while (i < n && line.charCodeAt(i) !== 32) i++
    out.push(line.slice(start, i))
  }
  return out
}

/** Parses /proc/net/{tcp,tcp6,udp,udp6,raw,raw6} into `into` (by inode). */
export function parseInetTable(
  text: string,
  proto: InetProto,
  into: Map<number, NetSocket> = new Map()
): Map<number, NetSocket> {
  const v6 = proto.endsWith('6')
  const isTcp = proto === 'tcp' || proto === 'tcp6'
  const type = isTcp ? 'stream' : proto.startsWith('udp') ? 'dgram' : 'raw'
  const modelProto = proto === 'raw6' ? 'raw' : proto
  const lines = text.split('\n')
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!
    if (line.length < 20) continue
    const t = tokens(line, 10)
    if (t.length < 10) continue
    const inode = Number(t[9])
    if (!Number.isSafeInteger(inode)) continue
    // Sockets in TIME_WAIT and request sockets have inode 0: no fd holds them.
    if (inode === 0) continue
    into.set(inode, {
      proto: modelProto,
      inode,
      type,
      state: isTcp ? tcpStateName(t[3]!) : datagramStateName(t[3]!),
      local: decodeInetAddress(t[1]!, v6),
      remote: decodeInetAddress(t[2]!, v6)
    })
  }
  return into
}

const UNIX_TYPES: Record<number, string> = { 1: 'stream', 2: 'dgram', 5: 'seqpacket' }
const UNIX_STATES: Record<number, string> = {
  1: 'UNCONNECTED',
  2: 'CONNECTING',
  3: 'CONNECTED',
  4: 'DISCONNECTING'
}
/** __SO_ACCEPTCON: the socket is listening. */
const SO_ACCEPTCON = 0x10000

const UNIX_LINE =
  /^\s*[0-9A-Fa-f]+: ([0-9A-Fa-f]+) ([0-9A-Fa-f]+) ([0-9A-Fa-f]+) ([0-9A-Fa-f]+) ([0-9A-Fa-f]+) +(\d+)(?: (.*))?$/

/**
 * Parses /proc/net/unix. The path is the rest of the line (it may hold spaces); abstract names
 * start with '@'. /proc/net/unix has no peer: that comes from `ss`.
 *
 * The kernel prints paths raw, line breaks included, so any user can bind a socket whose path
 * forges rows. An inode this table names twice, or that a table without paths (tcp, udp …,
 * parsed before) already holds, is left out: a forged row always repeats a real one.
 */
export function parseUnixTable(
  text: string,
  into: Map<number, NetSocket> = new Map()
): Map<number, NetSocket> {
  const lines = text.split('\n')
  const mine = new Set<number>()
  const disputed = new Set<number>()
  for (let i = 1; i < lines.length; i++) {
    const m = UNIX_LINE.exec(lines[i]!)
    if (!m) continue
    const flags = parseInt(m[3]!, 16)
    const typeNum = parseInt(m[4]!, 16)
    const st = parseInt(m[5]!, 16)
    const inode = Number(m[6])
    if (!Number.isSafeInteger(inode)) continue
    if (mine.has(inode) || into.has(inode)) {
      disputed.add(inode)
      continue
    }
    mine.add(inode)
    const path = m[7] === undefined || m[7] === '' ? null : m[7]
    into.set(inode, {
      proto: 'unix',
      inode,
      type: UNIX_TYPES[typeNum] ?? `type ${typeNum}`,
      state: flags & SO_ACCEPTCON ? 'LISTEN' : (UNIX_STATES[st] ?? `state ${st}`),
      local: path,
      remote: null
    })
  }
  for (const inode of disputed) if (mine.has(inode)) into.delete(inode)
  return into
}

/** Parses /proc/net/netlink or /proc/net/packet, whose last column is the inode. */
export function parseLastColumnInodeTable(
  text: string,
  proto: 'netlink' | 'packet',
  into: Map<number, NetSocket> = new Map()
): Map<number, NetSocket> {
  const lines = text.split('\n')
  for (let i = 1; i < lines.length; i++) {
    const t = lines[i]!.trim().split(/\s+/)
    if (t.length < 5) continue
    const inode = Number(t[t.length - 1])
    if (!Number.isSafeInteger(inode) || inode === 0) continue
    into.set(inode, { proto, inode, type: null, state: null, local: null, remote: null })
  }
  return into
}
