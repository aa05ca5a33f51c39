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

  it('skips lines that do not parse exactly', () => {
    const m = parseSsUnix(
      [
        'zz 12932033            * 0              ',
        'u_xyz ESTAB  0 0 * 11 * 12',
        'u_str BOGUS  0 0 * 13 * 14',
        'u_str ESTAB  x 0 * 15 * 16',
        'u_str ESTAB  0 0 * 017 * 18',
        'u_str ESTAB  0 0 * 19 * -20',
        'u_str ESTAB  0 0 * 0 * 22',
        'u_str ESTAB  0 0 * 23 * 24'
      ].join('\n')
    )
    expect([...m.keys()]).toEqual([23])
  })

  // Captured `ss -x -a -n` (iproute2 6.1) while nobody listened on a unix socket bound at
  // "/tmp/forge-x/a\nu_str ESTAB 0 0 * 12931389 * 4242\nzz": ss prints the path raw, so the path
  // forges a line for the real socket 12931389 (whose true peer is 12931388).
  const FORGED = [
    'Netid State  Recv-Q Send-Q                                       Local Address:Port     Peer Address:Port    Process',
    'u_str ESTAB  0      0                                                        * 12931389            * 12931388       ',
    'u_str ESTAB  0      0                                                        * 12930351            * 12930350       ',
    'u_str LISTEN 0      1      /tmp/forge-x/a',
    'u_str ESTAB 0 0 * 12931389 * 4242',
    'zz 12932033            * 0              ',
    'u_str ESTAB  0      0                                                        * 12931388            * 12931389       ',
    ''
  ].join('\n')

  it('gives no peer to an inode a forged line claims too, whichever line comes first', () => {
    const disputed = {
      inode: 12931389,
      peerInode: null,
      netid: 'u_str',
      state: 'ESTAB',
      disputed: true
    }
    expect(parseSsUnix(FORGED).get(12931389)).toEqual(disputed)
    const lines = FORGED.split('\n')
    const forgedFirst = [lines[0], lines[4], lines[1], lines[6]].join('\n')
    expect(parseSsUnix(forgedFirst).get(12931389)).toEqual(disputed)
    // A third claim changes nothing; the other sockets keep their peers.
    expect(parseSsUnix(FORGED + lines[4]).get(12931389)).toEqual(disputed)
    const m = parseSsUnix(FORGED)
    expect(m.get(12931388)).toEqual({
      inode: 12931388,
      peerInode: 12931389,
      netid: 'u_str',
      state: 'ESTAB'
    })
    expect(m.get(12930351)!.peerInode).toBe(12930350)
    // The forging socket's own pieces of line are no entries.
    expect(m.has(12932033)).toBe(false)
    expect(m.size).toBe(3)
  })
})
