import type { Finding, SocketFd } from '../../../common/model'
import { isConnectedUnix, peersLabel, procLabel, unixPeerName } from '../describe'
import type { Rule, RuleContext } from '../rule'

function socketLabel(sock: SocketFd, ctx: RuleContext): string {
  const peerName = unixPeerName(sock, ctx.byPid)
  const local = sock.local && sock.local !== '*' ? ` ${sock.local}` : ''
  const peer = peerName ? ` to ${peerName}` : ''
  return `fd ${sock.fd}: unix ${sock.type ?? 'socket'}${local}${peer}`
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
      // The peer is inside when some process of the tree holds the peer socket.
      if (fd.peers.some((peer) => ctx.treePids.has(peer.pid))) continue
      const holders =
        fd.peers.length > 0 ? `peer ${peersLabel(fd.peers)}` : 'peer held by no visible process'
      const inode = fd.peerInode === null ? '' : ` (peer socket ${fd.peerInode})`
      const line = `${socketLabel(fd, ctx)}, ${holders}${inode}`
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
