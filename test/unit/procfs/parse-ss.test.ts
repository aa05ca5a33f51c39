import { describe, expect, it } from 'vitest'

import { parseSsUnix } from '../../../electron/core/procfs/parse-ss'

// Captured `ss -x -a -n` (iproute2 6.1) plus a path with spaces and an abstract name.
const SS = [
  'Netid State  Recv-Q Send-Q               Local Address:Port  Peer Address:Port Process',
  'u_str LISTEN 0      4096   /run/dbus/system_bus_socket 19353            * 0           ',
  'u_str ESTAB  0      0      /run/dbus/system_bus_socket 19360            * 19940       ',
  'u_str ESTAB  0      0                                * 60               * 59          ',
  'u_dgr UNCONN 0      0                @/tmp/.X11-unix/X0 8001            * 0',
  'u_seq ESTAB  0      0        /tmp/dir with spaces/sock 8002             * 8003',
  'u_str ESTAB  0      0      * 70',
  ''
].join('\n')

describe('parseSsUnix', () => {
  it('maps each socket inode to its peer inode', () => {
    const m = parseSsUnix(SS)
    expect(m.get(19360)).toEqual({ inode: 19360, peerInode: 19940, netid: 'u_str', state: 'ESTAB' })
    expect(m.get(60)!.peerInode).toBe(59)
    expect(m.get(8002)).toMatchObject({ netid: 'u_seq', peerInode: 8003 })
  })

  it('gives null for no peer (listening, unconnected)', () => {
    const m = parseSsUnix(SS)
    expect(m.get(19353)!.peerInode).toBeNull()
    expect(m.get(8001)).toMatchObject({ netid: 'u_dgr', state: 'UNCONN', peerInode: null })
  })

  it('skips the header and truncated lines', () => {
    const m = parseSsUnix(SS)
    expect(m.size).toBe(5)
    expect(parseSsUnix('')).toEqual(new Map())
  })
})
