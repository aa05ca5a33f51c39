/**
 * Small text helpers shared by the rules: how a process, a peer or an fd is named in evidence.
 */
import type { PeerRef, ProcessInfo, SocketFd } from '../../common/model'

/** "1234 (name)". */
export function procLabel(p: Pick<ProcessInfo, 'pid' | 'name'>): string {
  return `${p.pid} (${p.name})`
}

/** "pid 1234 (name) fd 5" — the fd is left out when unknown. */
export function peerLabel(peer: PeerRef): string {
  const fd = peer.fd === null ? '' : ` fd ${peer.fd}`
  return `pid ${peer.pid} (${peer.name})${fd}`
}

/** A list of peers in one phrase, "pid 1 (a), pid 2 (b)". */
export function peersLabel(peers: PeerRef[]): string {
  return peers.map(peerLabel).join(', ')
}

/** Peers that are not part of the tree. */
export function outsidePeers(peers: PeerRef[], treePids: ReadonlySet<number>): PeerRef[] {
  return peers.filter((p) => !treePids.has(p.pid))
}

/**
 * The filesystem or abstract name of a unix socket's other end. The scanner gives the peer's
 * name in `remote` when `ss` printed it; a client socket usually shows only "*", so the name is
 * taken from the peer socket itself (its local address).
 */
export function unixPeerName(
  sock: SocketFd,
  socketByInode: ReadonlyMap<number, SocketFd>
): string | null {
  if (sock.remote && sock.remote !== '*') return sock.remote
  if (sock.peerInode === null) return null
  const peer = socketByInode.get(sock.peerInode)
  return peer?.local && peer.local !== '*' ? peer.local : null
}

/** True when a unix socket has (or had, as far as the scan knows) another end. */
export function isConnectedUnix(sock: SocketFd): boolean {
  if (sock.proto !== 'unix') return false
  if (sock.peerInode !== null && sock.peerInode !== 0) return true
  return sock.state === 'CONNECTED' || sock.state === 'ESTAB' || sock.state === 'ESTABLISHED'
}

/** How many peers evidence names before it says "and N more". */
export const PEERS_LISTED = 5

/** "pid 1 (a) fd 3, pid 2 (b), and 40 more". */
export function peersSummary(listed: PeerRef[], total: number): string {
  const more = total > listed.length ? `, and ${total - listed.length} more` : ''
  return peersLabel(listed) + more
}
