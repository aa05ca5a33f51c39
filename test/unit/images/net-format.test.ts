import { describe, expect, it } from 'vitest'

import {
  formatAddress,
  formatEndpoint,
  formatIPv6,
  formatUnixName
} from '../../../electron/core/images/net-format'

describe('address formatting', () => {
  it('IPv4 words are network-order bytes read little-endian', () => {
    expect(formatAddress([0x0100007f], 2)).toBe('127.0.0.1')
    expect(formatEndpoint([0x0100007f], 2, 8080)).toBe('127.0.0.1:8080')
    expect(formatEndpoint([0], 2, 53)).toBe('*:53')
  })

  it('IPv6 in RFC 5952 form', () => {
    expect(formatAddress([0, 0, 0, 0x01000000], 10)).toBe('::1')
    expect(formatEndpoint([0, 0, 0, 0], 10, 22)).toBe('*:22')
    expect(formatEndpoint([0, 0, 0, 0x01000000], 10, 22)).toBe('[::1]:22')
    const bytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'))
    expect(formatIPv6(bytes('20010db8000000000000000000000001'))).toBe('2001:db8::1')
    expect(formatIPv6(bytes('20010db8000000010000000000000001'))).toBe('2001:db8:0:1::1')
    expect(formatIPv6(bytes('20010db8000100000001000100010001'))).toBe('2001:db8:1:0:1:1:1:1')
    expect(formatIPv6(bytes('fe800000000000000000000000000000'))).toBe('fe80::')
    expect(formatIPv6(bytes('00000000000000000000ffffc0a80001'))).toBe('::ffff:192.168.0.1')
  })

  it('unknown families and short word lists give null', () => {
    expect(formatAddress([1], 10)).toBeNull()
    expect(formatAddress([], 2)).toBeNull()
    expect(formatAddress([1], 1)).toBeNull()
  })

  it('unix names: paths, abstract names, control bytes escaped', () => {
    const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
    expect(formatUnixName(undefined)).toBeNull()
    expect(formatUnixName(new Uint8Array())).toBeNull()
    expect(formatUnixName(enc('/tmp/sock\0'))).toBe('/tmp/sock')
    expect(formatUnixName(enc('\0abstract'))).toBe('@abstract')
    expect(formatUnixName(enc('/tmp/\x1b[31mred'))).toBe('/tmp/\\x1b[31mred')
    expect(formatUnixName(enc('/tmp/ünï'))).toBe('/tmp/ünï')
  })
})
