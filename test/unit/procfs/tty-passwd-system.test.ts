import { describe, expect, it } from 'vitest'

import { devMajor, devMinor } from '../../../electron/core/procfs/dev'
import { parsePasswd } from '../../../electron/core/procfs/passwd'
import { parseAuxv, parseBootTime } from '../../../electron/core/procfs/system'
import { decodeTtyNr, ttyName } from '../../../electron/core/procfs/tty'

describe('ttyName', () => {
  it('names ptys, virtual consoles and serial ports', () => {
    expect(ttyName(0)).toBeNull()
    expect(ttyName((136 << 8) | 3)).toBe('pts/3')
    // pts/300: major 137, minor 44.
    expect(ttyName((137 << 8) | 44)).toBe('pts/300')
    expect(ttyName((4 << 8) | 1)).toBe('tty1')
    expect(ttyName((4 << 8) | 64)).toBe('ttyS0')
    expect(ttyName((5 << 8) | 1)).toBe('console')
    expect(ttyName((188 << 8) | 0)).toBe('ttyUSB0')
    expect(ttyName((99 << 8) | 7)).toBe('tty(99:7)')
  })

  it('decodes minors above 255 from the high bits', () => {
    const ttyNr = (136 << 8) | (0x1 << 20) | 0x02
    expect(decodeTtyNr(ttyNr)).toEqual({ major: 136, minor: 0x102 })
    expect(ttyName(ttyNr)).toBe('pts/258')
  })
})

describe('dev_t', () => {
  it('splits glibc-encoded numbers', () => {
    expect([devMajor(0x105), devMinor(0x105)]).toEqual([1, 5])
    expect([devMajor(0xfe00), devMinor(0xfe00)]).toEqual([254, 0])
    // makedev(259, 300) = 0x12c0 | 0x10300? glibc: (min & 0xff) | (maj & 0xfff) << 8 | (min & ~0xff) << 12
    const dev = (300 & 0xff) | ((259 & 0xfff) << 8) | ((300 & ~0xff) << 12)
    expect([devMajor(dev), devMinor(dev)]).toEqual([259, 300])
  })
})

describe('parsePasswd', () => {
  it('maps uids to names, first entry wins, comments skipped', () => {
    const m = parsePasswd(
      'root:x:0:0:root:/root:/bin/bash\n#c:x:5:5\nalice:x:1000:1000::/home/alice:/bin/sh\n' +
        'toor:x:0:0::/:/bin/sh\nbroken\n'
    )
    expect(m.get(0)).toBe('root')
    expect(m.get(1000)).toBe('alice')
    expect(m.size).toBe(2)
  })
})

describe('system facts', () => {
  it('reads btime from /proc/stat', () => {
    expect(parseBootTime('cpu  1 2 3\nintr 5\nbtime 1764201600\nprocesses 9\n')).toBe(1764201600)
    expect(parseBootTime('cpu  1 2 3\n')).toBeNull()
  })

  it('reads AT_PAGESZ and AT_CLKTCK from the auxiliary vector', () => {
    const buf = Buffer.alloc(16 * 4)
    buf.writeBigUInt64LE(6n, 0)
    buf.writeBigUInt64LE(4096n, 8)
    buf.writeBigUInt64LE(17n, 16)
    buf.writeBigUInt64LE(100n, 24)
    buf.writeBigUInt64LE(0n, 32)
    expect(parseAuxv(buf)).toEqual({ pageSize: 4096, clkTck: 100 })
    expect(parseAuxv(Buffer.alloc(0))).toEqual({ pageSize: null, clkTck: null })
  })
})
