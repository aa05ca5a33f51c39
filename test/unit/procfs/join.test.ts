import { describe, expect, it } from 'vitest'

import type { PipeFd, ProcessInfo, SocketFd } from '../../../electron/common/model'
import type { FdScan } from '../../../electron/core/procfs/fds'
import {
  attributeLocks,
  joinPeers,
  MAX_PEERS,
  type Joinable
} from '../../../electron/core/procfs/join'
import type { NetSocket } from '../../../electron/core/procfs/parse-net'
import { parseLocks } from '../../../electron/core/procfs/parse-locks'
import { parseSsUnix } from '../../../electron/core/procfs/parse-ss'

function pipe(fd: number, inode: number): PipeFd {
  return { fd, kind: 'pipe', variant: 'pipe', inode, path: null, end: null, peers: [] }
}
function sock(fd: number, inode: number): SocketFd {
  return {
    fd,
    kind: 'socket',
    inode,
    proto: 'unknown',
    type: null,
    state: null,
    local: null,
    remote: null,
    peerInode: null,
    peers: [],
    peerKnown: false
  }
}

function proc(
  pid: number,
  pipes: PipeFd[],
  sockets: SocketFd[],
  net = new Map<number, NetSocket>()
) {
  const info = { pid, name: `p${pid}`, locks: [], unreadable: [] } as unknown as ProcessInfo
  const fdScan: FdScan = {
    fds: [...pipes, ...sockets],
    locks: [],
    fileIds: new Map([[`254:0:77`, { fd: 9, path: '/tmp/locked' }]]),
    pipes,
    fifos: [],
    sockets,
    unreadable: [],
    gone: false
  }
  return { info, fdScan, net, ssSeesNamespace: true } satisfies Joinable
}

const unixRow = (inode: number): NetSocket => ({
  proto: 'unix',
  inode,
  type: 'stream',
  state: 'CONNECTED',
  local: null,
  remote: null
})

describe('joinPeers', () => {
  it('lists the other holders of a pipe, one entry per process', () => {
    const a = proc(10, [pipe(3, 500), pipe(4, 500)], [])
    const b = proc(11, [pipe(0, 500)], [])
    joinPeers([a, b], null)
    expect(a.fdScan.pipes[0]!.peers).toEqual([{ pid: 11, name: 'p11', fd: 0 }])
    expect(b.fdScan.pipes[0]!.peers).toEqual([{ pid: 10, name: 'p10', fd: 3 }])
    expect(b.fdScan.pipes[0]!.peersOmitted).toBeUndefined()
  })

  it('caps the peer list of a widely shared pipe and counts the rest', () => {
    const procs = Array.from({ length: 100 }, (_, i) => proc(100 + i, [pipe(251, 9)], []))
    joinPeers(procs, null)
    const fd = procs[0]!.fdScan.pipes[0]!
    expect(fd.peers).toHaveLength(MAX_PEERS)
    expect(fd.peers.some((p) => p.pid === 100)).toBe(false)
    expect(fd.peersOmitted).toBe(99 - MAX_PEERS)
  })

  it('joins unix sockets through ss peer inodes, and leaves them unknown without ss', () => {
    const net = new Map([
      [1, unixRow(1)],
      [2, unixRow(2)]
    ])
    const ss = parseSsUnix('u_str ESTAB 0 0 * 1 * 2\nu_str ESTAB 0 0 * 2 * 1\n')
    const a = proc(20, [], [sock(5, 1)], net)
    const b = proc(21, [], [sock(6, 2)], net)
    joinPeers([a, b], ss)
    expect(a.fdScan.sockets[0]).toMatchObject({
      proto: 'unix',
      state: 'CONNECTED',
      peerInode: 2,
      peerKnown: true,
      peers: [{ pid: 21, name: 'p21', fd: 6 }]
    })
    const c = proc(22, [], [sock(5, 1)], net)
    joinPeers([c], null)
    expect(c.fdScan.sockets[0]).toMatchObject({ proto: 'unix', peerKnown: false, peers: [] })
  })

  it('leaves the peer unknown, and says so, when ss lists a socket twice (a forged line)', () => {
    const net = new Map([
      [1, unixRow(1)],
      [2, unixRow(2)],
      [3, unixRow(3)]
    ])
    // Socket 3 is bound at a path holding "\nu_str ESTAB 0 0 * 1 * 3\n".
    const ss = parseSsUnix(
      'u_str ESTAB 0 0 * 1 * 2\nu_str LISTEN 0 1 /tmp/f\nu_str ESTAB 0 0 * 1 * 3\nx 3 * 0\n' +
        'u_str ESTAB 0 0 * 2 * 1\n'
    )
    const victim = proc(20, [], [sock(5, 1)], net)
    const peer = proc(21, [], [sock(6, 2)], net)
    const forger = proc(22, [], [sock(7, 3)], net)
    joinPeers([victim, peer, forger], ss)
    expect(victim.fdScan.sockets[0]).toMatchObject({
      proto: 'unix',
      peerKnown: false,
      peerInode: null,
      peers: []
    })
    expect(victim.info.unreadable).toEqual([
      'fd 5: socket 1 listed more than once by ss (a socket path with a line break); peer unknown'
    ])
    expect(peer.fdScan.sockets[0]).toMatchObject({ peerKnown: true, peerInode: 1 })
  })

  it('takes no ss peer for a socket /proc/net/unix does not list', () => {
    const ss = parseSsUnix('u_str ESTAB 0 0 * 4242 * 7\n')
    const a = proc(30, [], [sock(7, 4242), sock(8, 7)])
    joinPeers([a], ss)
    expect(a.fdScan.sockets[0]).toMatchObject({ proto: 'unknown', peerKnown: false, peers: [] })
  })

  it('notes sockets that are in no table', () => {
    const a = proc(30, [], [sock(7, 4242)])
    joinPeers([a], null)
    expect(a.info.unreadable).toEqual([
      'fd 7: socket 4242 not in /proc/net (unbound or other family)'
    ])
  })
})

describe('attributeLocks', () => {
  it('gives /proc/locks entries to their pid with the fd and path, skipping waiters and OFD', () => {
    const a = proc(40, [], [])
    attributeLocks(
      [a],
      parseLocks(
        '1: POSIX ADVISORY WRITE 40 fe:00:77 0 EOF\n' +
          '1: -> POSIX ADVISORY WRITE 40 fe:00:77 0 EOF\n' +
          '2: OFDLCK ADVISORY READ -1 fe:00:77 0 EOF\n' +
          '3: FLOCK ADVISORY WRITE 41 fe:00:78 0 EOF\n' +
          // A flock taken by pid 40 on a file it no longer has open: its child holds it now.
          '4: FLOCK ADVISORY WRITE 40 fe:00:79 0 EOF\n'
      )
    )
    expect(a.info.locks).toEqual([
      {
        kind: 'POSIX',
        mode: 'ADVISORY',
        access: 'WRITE',
        dev: '254:0',
        inode: 77,
        start: '0',
        end: 'EOF',
        fd: 9,
        path: '/tmp/locked'
      }
    ])
  })
})
