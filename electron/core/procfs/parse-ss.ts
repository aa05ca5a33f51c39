/**
 * `ss -x -a -n` output: one unix socket per line, e.g.
 *   Netid State  Recv-Q Send-Q  Local Address:Port            Peer Address:Port Process
 *   u_str ESTAB  0      0       /run/dbus/system_bus_socket 19360  * 19940
 *   u_str ESTAB  0      0       * 60                                * 59
 * "Port" is the socket inode; the peer's "Port" is the peer inode (0 when there is none). A
 * path may contain spaces, so the columns are taken from both ends.
 *
 * `ss` prints socket paths raw, line breaks included, and any local user can bind a socket at
 * a path of their choosing: a path can carry whole forged lines. So a line must parse exactly
 * or it is ignored, and an inode that more than one line claims (a forged line always repeats
 * the real line of the socket it lies about) gets no peer: it is marked `disputed`.
 */

/** One unix socket as `ss` sees it. */
export interface SsUnixEntry {
  inode: number
  /** Peer socket inode, null when unconnected (ss prints 0) or disputed. */
  peerInode: number | null
  netid: string
  state: string
  /** More than one line named this inode: its peer cannot be trusted (see the module comment). */
  disputed?: true
}

const NETIDS = new Set(['u_str', 'u_dgr', 'u_seq'])

/** The states ss prints (iproute2's sstate_name). */
const STATES = new Set([
  'UNKNOWN',
  'ESTAB',
  'SYN-SENT',
  'SYN-RECV',
  'FIN-WAIT-1',
  'FIN-WAIT-2',
  'TIME-WAIT',
  'UNCONN',
  'CLOSE-WAIT',
  'LAST-ACK',
  'LISTEN',
  'CLOSING'
])

const COUNT = /^\d+$/

/** A socket or peer inode: a decimal number without leading zeros, as ss prints it. */
function inodeOf(token: string): number | null {
  if (!/^(0|[1-9]\d*)$/.test(token)) return null
  const n = Number(token)
  return Number.isSafeInteger(n) ? n : null
}

/** One exactly parsed line, or null. */
function parseLine(line: string): SsUnixEntry | null {
  const t = line.trim().split(/\s+/)
  // netid state recvq sendq local... localInode peerAddr peerInode (no process column: no -p)
  if (t.length < 8) return null
  const [netid, state, recvq, sendq] = t as [string, string, string, string]
  if (!NETIDS.has(netid) || !STATES.has(state) || !COUNT.test(recvq) || !COUNT.test(sendq)) {
    return null
  }
  const inode = inodeOf(t[t.length - 3]!)
  const peerInode = inodeOf(t[t.length - 1]!)
  if (inode === null || inode === 0 || peerInode === null) return null
  return { inode, peerInode: peerInode === 0 ? null : peerInode, netid, state }
}

/** Parses `ss -x -a -n` output into inode → entry (see the module comment). */
export function parseSsUnix(text: string): Map<number, SsUnixEntry> {
  const out = new Map<number, SsUnixEntry>()
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('Netid')) continue
    const entry = parseLine(line)
    if (entry === null) continue
    const seen = out.get(entry.inode)
    if (seen === undefined) out.set(entry.inode, entry)
    else if (!seen.disputed) out.set(entry.inode, { ...seen, peerInode: null, disputed: true })
  }
  return out
}
