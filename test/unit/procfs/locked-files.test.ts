import { statSync } from 'node:fs'

import { describe, expect, it } from 'vitest'

import { devMajor, devMinor, makeDev } from '../../../electron/core/procfs/dev'
import { parseLocks } from '../../../electron/core/procfs/parse-locks'
import { lockedFiles } from '../../../electron/core/procfs/scan'

describe('makeDev', () => {
  it('is the inverse of devMajor/devMinor, also past 8-bit minors and 12-bit majors', () => {
    for (const [major, minor] of [
      [0, 46],
      [8, 1],
      [254, 0],
      [259, 65536],
      [4096, 300],
      [1, 2 ** 20 + 5]
    ] as const) {
      const dev = makeDev(major, minor)
      expect([devMajor(dev), devMinor(dev)]).toEqual([major, minor])
    }
    expect(makeDev(8, 1)).toBe(2049)
    const st = statSync('/')
    expect(makeDev(devMajor(st.dev), devMinor(st.dev))).toBe(st.dev)
  })
})

describe('lockedFiles', () => {
  it('keys /proc/locks by st_dev:inode with every owning pid, skipping blocked waiters', () => {
    const lines = parseLocks(
      [
        '1: FLOCK  ADVISORY  WRITE 4242 00:2e:5657972 0 EOF',
        '1: -> FLOCK  ADVISORY  WRITE 777 00:2e:5657972 0 EOF',
        '2: OFDLCK ADVISORY  READ  -1 fe:01:123 0 99',
        '3: POSIX  ADVISORY  WRITE 4243 fe:01:123 100 EOF'
      ].join('\n')
    )
    expect(lockedFiles(lines)).toEqual({
      [`${makeDev(0, 0x2e)}:5657972`]: [4242],
      [`${makeDev(0xfe, 1)}:123`]: [-1, 4243]
    })
  })
})
