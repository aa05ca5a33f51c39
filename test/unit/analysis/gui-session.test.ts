import { describe, expect, it } from 'vitest'

import { findingsWithId, peer, proc, unixSocket, withFds } from './builders'

describe('gui-session rule', () => {
  it('blocks a client of the X server, naming the socket through the peer', () => {
    const xorg = proc(200, {
      name: 'Xorg',
      fds: withFds(unixSocket(9, { inode: 601, local: '/tmp/.X11-unix/X0', peerInode: 501 }))
    })
    const client = proc(100, {
      fds: withFds(unixSocket(3, { inode: 501, peerInode: 601, peers: [peer(200, 9, 'Xorg')] }))
    })
    const [f, ...rest] = findingsWithId([client, xorg], 100, 'gui-session')
    expect(rest).toEqual([])
    expect(f).toMatchObject({ severity: 'blocker', pid: 100 })
    expect(f!.evidence).toEqual(['fd 3: unix socket /tmp/.X11-unix/X0 (the X11 display server)'])
  })

  it.each([
    ['@/tmp/.X11-unix/X1', 'X11'],
    ['/run/user/1000/wayland-0', 'Wayland'],
    ['/run/user/1000/bus', 'D-Bus']
  ])('recognises %s', (remote, what) => {
    const p = proc(100, {
      fds: withFds(unixSocket(3, { remote, peerInode: 601, peers: [peer(200)] }))
    })
    expect(findingsWithId([p, proc(200)], 100, 'gui-session')[0]!.message).toContain(what)
  })

  it('ignores the system bus and other sockets', () => {
    const p = proc(100, {
      fds: withFds(
        unixSocket(3, {
          remote: '/run/dbus/system_bus_socket',
          peerInode: 601,
          peers: [peer(200)]
        }),
        unixSocket(4, { remote: '/tmp/my-app.sock', peerInode: 602, peers: [peer(200)] })
      )
    })
    expect(findingsWithId([p, proc(200)], 100, 'gui-session')).toEqual([])
  })
})
