/**
 * `ss -x -a -n` output: one unix socket per line, e.g.
 *   Netid State  Recv-Q Send-Q  Local Address:Port            Peer Address:Port Process
 *   u_str ESTAB  0      0       /run/dbus/system_bus_socket 19360  * 19940
 *   u_str ESTAB  0      0       * 60                                * 59
 * "Port" is the socket inode; the peer's "Port" is the peer inode (0 when there is none). A
 * path may contain spaces, so the columns are taken from both ends.
 */

/** One unix socket as `ss` sees it. */
export interface SsUnixEntry {
  inode: number
  /** Peer socket inode, null when unconnected (ss prints 0). */
  peerInode: number | null
  netid: string
  state: string
}

/** Parses `ss -x -a -n` output into inode → entry. Malformed lines are skipped. */
export function parseSsUnix(text: string): Map<number, SsUnixEntry> {
  const out = new Map<number, SsUnixEntry>()
  const lines = text.split('\n')
  for (const line of lines) {
    if (line === '' || line.startsWith('Netid')) continue
    const t = line.trim().split(/\s+/)
    // netid state recvq sendq local... localInode peerAddr peerInode [process...]
    if (t.length < 8) continue
    // Without -p there is no process column, so the last two tokens are the peer.
    const peerInode = Number(t[t.length - 1])
    const inode = Number(t[t.length - 3])
    if (!Number.isSafeInteger(inode) || !Number.isSafeInteger(peerInode)) continue
    out.set(inode, {
      inode,
      peerInode: peerInode === 0 ? null : peerInode,
      netid: t[0]!,
      state: t[1]!
    })
  }
  return out
}
