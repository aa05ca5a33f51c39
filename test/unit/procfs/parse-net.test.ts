import { describe, expect, it } from 'vitest'

import {
  decodeInetAddress,
  decodeIpv4,
  decodeIpv6,
  parseInetTable,
  parseLastColumnInodeTable,
  parseUnixTable,
  tcpStateName
} from '../../../electron/core/procfs/parse-net'

const TCP = [
  '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
  '   0: 0100007F:A5C3 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 51002 1 0000000000000000 100 0 0 10 0',
  '   1: 0100007F:A5C3 0100007F:C7E2 01 00000000:00000000 00:00000000 00000000     0        0 51005 1 0000000000000000 20 4 30 10 -1',
  '   2: 0100007F:C7E2 0100007F:A5C3 06 00000000:00000000 03:00001234 00000000     0        0 0 3 0000000000000000',
  ''
].join('\n')

const TCP6 = [
  '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
  '   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 61001 1 0000000000000000 100 0 0 10 0',
  '   1: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000100007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 61002 1 0000000000000000 20 4 30 10 -1',
  '   2: B80D0120000000000000000001000000:0016 B80D0120000000000000000002000000:E2F2 01 00000000:00000000 00:00000000 00000000     0        0 61003 1 0000000000000000 20 4 30 10 -1',
  ''
].join('\n')

const UDP = [
  '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops',
  ' 1234: 3500007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 7001 2 0000000000000000 0',
  ' 1235: 0100007F:9C40 0100007F:0035 01 00000000:00000000 00:00000000 00000000     0        0 7002 2 0000000000000000 0',
  ''
].join('\n')

const UNIX = [
  'Num       RefCount Protocol Flags    Type St Inode Path',
  '0000000000000000: 00000002 00000000 00010000 0001 01 19353 /run/dbus/system_bus_socket',
  '0000000000000000: 00000003 00000000 00000000 0001 03 19360 /run/dbus/system_bus_socket',
  '0000000000000000: 00000003 00000000 00000000 0001 03 60',
  '0000000000000000: 00000002 00000000 00000000 0002 01 8001 @/tmp/.X11-unix/X0',
  '0000000000000000: 00000002 00000000 00000000 0005 03 8002 /tmp/dir with spaces/sock',
  '0000000000000000: 00000002 00000000 00000000 0001 02 8003 @',
  ''
].join('\n')

describe('addresses', () => {
  it('decodes IPv4 words in little-endian order', () => {
    expect(decodeIpv4('0100007F')).toBe('127.0.0.1')
    expect(decodeIpv4('3500007F')).toBe('127.0.0.53')
    expect(decodeIpv4('00000000')).toBe('0.0.0.0')
    expect(decodeIpv4('0101A8C0')).toBe('192.168.1.1')
    expect(decodeIpv4('123')).toBeNull()
  })

  it('decodes IPv6 as four little-endian words, RFC 5952 text', () => {
    expect(decodeIpv6('00000000000000000000000001000000')).toBe('::1')
    expect(decodeIpv6('00000000000000000000000000000000')).toBe('::')
    expect(decodeIpv6('0000000000000000FFFF00000100007F')).toBe('::ffff:127.0.0.1')
    expect(decodeIpv6('B80D0120000000000000000001000000')).toBe('2001:db8::1')
    expect(decodeIpv6('000080FE00000000FF020000A1C5C1FE')).toBe('fe80::2ff:fec1:c5a1')
    expect(decodeIpv6('xyz')).toBeNull()
  })

  it('adds the port, brackets for IPv6', () => {
    expect(decodeInetAddress('0100007F:1F90', false)).toBe('127.0.0.1:8080')
    expect(decodeInetAddress('00000000000000000000000001000000:0016', true)).toBe('[::1]:22')
  })

  it('names TCP states', () => {
    expect(tcpStateName('01')).toBe('ESTABLISHED')
    expect(tcpStateName('0A')).toBe('LISTEN')
    expect(tcpStateName('0C')).toBe('NEW_SYN_RECV')
    expect(tcpStateName('FF')).toBe('UNKNOWN(FF)')
  })
})

describe('parseInetTable', () => {
  it('keys tcp rows by inode and skips inode 0 (TIME_WAIT)', () => {
    const t = parseInetTable(TCP, 'tcp')
    expect([...t.keys()]).toEqual([51002, 51005])
    expect(t.get(51002)).toEqual({
      proto: 'tcp',
      inode: 51002,
      type: 'stream',
      state: 'LISTEN',
      local: '127.0.0.1:42435',
      remote: '0.0.0.0:0'
    })
    expect(t.get(51005)).toMatchObject({ state: 'ESTABLISHED', remote: '127.0.0.1:51170' })
  })

  it('reads tcp6 rows with mapped and global addresses', () => {
    const t = parseInetTable(TCP6, 'tcp6')
    expect(t.get(61001)).toMatchObject({ proto: 'tcp6', state: 'LISTEN', local: '[::1]:8080' })
    expect(t.get(61002)).toMatchObject({
      local: '[::ffff:127.0.0.1]:8080',
      remote: '[::ffff:127.0.0.1]:54321'
    })
    expect(t.get(61003)).toMatchObject({ local: '[2001:db8::1]:22', remote: '[2001:db8::2]:58098' })
  })

  it('names udp states UNCONN and ESTABLISHED', () => {
    const u = parseInetTable(UDP, 'udp')
    expect(u.get(7001)).toMatchObject({ type: 'dgram', state: 'UNCONN', local: '127.0.0.53:53' })
    expect(u.get(7002)).toMatchObject({ state: 'ESTABLISHED', remote: '127.0.0.1:53' })
  })

  it('survives a truncated last line', () => {
    const t = parseInetTable(TCP.split('\n').slice(0, 3).join('\n') + '\n   3: 0100007F:A5', 'tcp')
    expect(t.size).toBe(2)
  })
})

describe('parseUnixTable', () => {
  it('reads types, states, listening flag, paths with spaces and abstract names', () => {
    const u = parseUnixTable(UNIX)
    expect(u.get(19353)).toMatchObject({
      proto: 'unix',
      type: 'stream',
      state: 'LISTEN',
      local: '/run/dbus/system_bus_socket'
    })
    expect(u.get(19360)).toMatchObject({ state: 'CONNECTED' })
    expect(u.get(60)).toMatchObject({ type: 'stream', state: 'CONNECTED', local: null })
    expect(u.get(8001)).toMatchObject({
      type: 'dgram',
      state: 'UNCONNECTED',
      local: '@/tmp/.X11-unix/X0'
    })
    expect(u.get(8002)).toMatchObject({ type: 'seqpacket', local: '/tmp/dir with spaces/sock' })
    expect(u.get(8003)).toMatchObject({ state: 'CONNECTING', local: '@' })
  })

  it('leaves out an inode a row forged through a socket path claims too', () => {
    // Socket 9000 is bound at "/tmp/f\n<a row for 60 naming an X11 display>\nzz".
    const forged = [
      '0000000000000000: 00000002 00000000 00010000 0001 01 9000 /tmp/f',
      '0000000000000000: 00000003 00000000 00000000 0001 03 60 /tmp/.X11-unix/X0',
      'zz',
      // The same for a TCP socket's inode: that table has no paths, so its row is the real one.
      '0000000000000000: 00000003 00000000 00000000 0001 03 51002 /tmp/.X11-unix/X0'
    ]
    const tcp = parseInetTable(TCP, 'tcp')
    const before = tcp.get(51002)
    const u = parseUnixTable([...UNIX.split('\n'), ...forged].join('\n'), tcp)
    expect(u.has(60)).toBe(false)
    expect(before).toMatchObject({ proto: 'tcp' })
    expect(u.get(51002)).toEqual(before)
    expect(u.get(9000)).toMatchObject({ local: '/tmp/f' })
    expect(u.get(19360)).toMatchObject({ state: 'CONNECTED' })
    // Forged first or last, the same.
    const first = parseUnixTable(
      [UNIX.split('\n')[0], forged[1], ...UNIX.split('\n').slice(1)].join('\n')
    )
    expect(first.has(60)).toBe(false)
  })
})

describe('parseLastColumnInodeTable', () => {
  it('reads netlink and packet inodes from the last column', () => {
    const netlink = [
      'sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode',
      '00000000f380cb35 0   0          00000000 0        0        0     2        0        4',
      '00000000a1b2c3d4 0   812        00000001 0        0        0     2        0        20431',
      ''
    ].join('\n')
    const t = parseLastColumnInodeTable(netlink, 'netlink')
    expect([...t.keys()]).toEqual([4, 20431])
    expect(t.get(20431)!.proto).toBe('netlink')
  })
})
