import { describe, expect, it } from 'vitest'

import { findingsWithId, peer, proc, unixSocket, withFds } from './builders'

describe('external-unix-socket rule', () => {
  const server = proc(200, {
    name: 'server',
    fds: withFds(unixSocket(5, { inode: 601, local: '/tmp/srv.sock', peerInode: 501 }))
  })

  it('blocks a stream socket whose peer is outside, naming the peer pid and socket path', () => {
    const client = proc(100, {
      fds: withFds(unixSocket(3, { inode: 501, peerInode: 601, peers: [peer(200, 5, 'server')] }))
    })
    const [f, ...rest] = findingsWithId([client, server], 100, 'external-unix-socket')
    expect(rest).toEqual([])
    expect(f).toMatchObject({ severity: 'blocker', pid: 100 })
    expect(f!.evidence).toEqual([
      'fd 3: unix stream to /tmp/srv.sock, peer pid 200 (server) fd 5 (peer socket 601)'
    ])
  })

  it('needs --ext-unix-sk for a datagram socket to an outside process', () => {
    const client = proc(100, {
      fds: withFds(
        unixSocket(3, {
          type: 'dgram',
          inode: 501,
          peerInode: 601,
          peers: [peer(200, 5, 'server')]
        })
      )
    })
    const [f] = findingsWithId([client, server], 100, 'external-unix-socket')
    expect(f).toMatchObject({ severity: 'needs-option', option: '--ext-unix-sk' })
    expect(f!.evidence[0]).toContain('peer pid 200 (server)')
  })

  it('says nothing when the peer is inside the tree (a socketpair with a child)', () => {
    const parent = proc(100, {
      fds: withFds(unixSocket(3, { inode: 501, peerInode: 502, peers: [peer(101, 4)] }))
    })
    const child = proc(101, {
      ppid: 100,
      fds: withFds(unixSocket(4, { inode: 502, peerInode: 501, peers: [peer(100, 3)] }))
    })
    expect(findingsWithId([parent, child], 100, 'external-unix-socket')).toEqual([])
  })

  it('ignores listening and unconnected sockets', () => {
    const p = proc(100, {
      fds: withFds(
        unixSocket(3, { state: 'LISTEN', local: '/tmp/x.sock' }),
        unixSocket(4, { type: 'dgram', state: 'UNCONNECTED' })
      )
    })
    expect(findingsWithId([p], 100, 'external-unix-socket')).toEqual([])
  })

  it('warns that the peer could not be determined when ss was missing', () => {
    const p = proc(100, {
      fds: withFds(unixSocket(3, { peerKnown: false, state: 'CONNECTED', peerInode: null }))
    })
    const [f] = findingsWithId([p], 100, 'external-unix-socket', { scan: { ssAvailable: false } })
    expect(f).toMatchObject({ severity: 'warning' })
    expect(f!.message).toMatch(/could not be determined/)
    expect(f!.message).toMatch(/ss/)
  })
})
