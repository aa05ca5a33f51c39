import type { Finding, PeerRef, SocketFd } from '../../../common/model'
import { PEERS_LISTED, isConnectedUnix, peersSummary, procLabel, unixPeerName } from '../describe'
import { peerRefFor, splitHolders } from '../holders'
import type { Rule, RuleContext } from '../rule'

function socketLabel(sock: SocketFd, ctx: RuleContext): string {
  const peerName = unixPeerName(sock, ctx.socketByInode)
  const local = sock.local && sock.local !== '*' ? ` ${sock.local}` : ''
  const peer = peerName ? ` to ${peerName}` : ''
  return `fd ${sock.fd}: unix ${sock.type ?? 'socket'}${local}${peer}`
}

/**
 * Where the other end of a connected unix socket is held: null when some process of the tree
 * holds it (nothing to report), else the first few holders outside and how many in all.
 */
function outsideEnd(
  sock: SocketFd,
  peerInode: number,
  ctx: RuleContext
): { listed: PeerRef[]; total: number } | null {
  const holders = ctx.socketHolders.get(peerInode)
  if (holders) {
    const split = splitHolders(holders, ctx.range, PEERS_LISTED)
    if (split.inside > 0) return null
    const listed = split.firstOutside.map((pid) => peerRefFor(pid, peerInode, 'socket', ctx.byPid))
    return { listed, total: split.outside }
  }
  // No scanned fd holds the peer socket; `ss` may still have named its owner.
  if (sock.peers.some((peer) => ctx.treePids.has(peer.pid))) return null
  return { listed: sock.peers.slice(0, PEERS_LISTED), total: sock.peers.length }
}

/**
 * `external-unix-socket`: a unix socket whose other end is outside the tree (D4). CRIU can save
 * the near end of a datagram socket with --ext-unix-sk, but it cannot save half of a stream or
 * seqpacket connection (D-Bus, X11, Wayland, PulseAudio…).
 */
export const externalUnixSocketRule: Rule = (ctx) => {
  const findings: Finding[] = []
  for (const p of ctx.tree) {
    const datagram: string[] = []
    const stream: string[] = []
    const unknown: string[] = []
    for (const fd of p.fds) {
      if (fd.kind !== 'socket' || fd.proto !== 'unix' || !isConnectedUnix(fd)) continue
      if (!fd.peerKnown || fd.peerInode === null) {
        unknown.push(`${socketLabel(fd, ctx)}, peer unknown`)
        continue
      }
      const outside = outsideEnd(fd, fd.peerInode, ctx)
      if (!outside) continue
      const holders =
        outside.total > 0
          ? `peer ${peersSummary(outside.listed, outside.total)}`
          : 'peer held by no visible process'
      const line = `${socketLabel(fd, ctx)}, ${holders} (peer socket ${fd.peerInode})`
      if (fd.type === 'dgram') datagram.push(line)
      else stream.push(line)
    }
    if (stream.length > 0) {
      findings.push({
        id: 'external-unix-socket',
        severity: 'blocker',
        pid: p.pid,
        message:
          `Process ${procLabel(p)} is connected through a unix stream socket to a process ` +
          `outside the tree it would freeze. CRIU cannot save one half of such a connection ` +
          `(it fails with "Can't dump half of stream unix connection"), and the other side ` +
          `would not be there at restore. Freeze the peer together with it (freeze a common ` +
          `parent) or close the connection first.`,
        evidence: stream
      })
    }
    if (datagram.length > 0) {
      findings.push({
        id: 'external-unix-socket',
        severity: 'needs-option',
        pid: p.pid,
        option: '--ext-unix-sk',
        message:
          `Process ${procLabel(p)} has a unix datagram socket connected to a process outside ` +
          `the tree. CRIU can save this end with --ext-unix-sk; the receiving side must still ` +
          `exist when the process is restored, or its messages go nowhere.`,
        evidence: datagram
      })
    }
    if (unknown.length > 0) {
      const why = ctx.ssAvailable
        ? 'the other end could not be determined'
        : 'the other end could not be determined (the `ss` tool from iproute2 is missing)'
      findings.push({
        id: 'external-unix-socket',
        severity: 'warning',
        pid: p.pid,
        message:
          `Process ${procLabel(p)} has connected unix sockets, but ${why}. If the other end ` +
          `is a process outside the tree, CRIU will refuse to freeze it (stream sockets) or ` +
          `need --ext-unix-sk (datagram sockets).`,
        evidence: unknown
      })
    }
  }
  return findings
}
