import { describe, expect, it } from 'vitest'

import { device, findingsWithId, proc, withFds } from './builders'

describe('device rule', () => {
  it('blocks an open char device CRIU does not handle, with fd, path and numbers', () => {
    const p = proc(100, { fds: withFds(device(3, '/dev/kvm', 10, 232)) })
    const found = findingsWithId([p], 100, 'device')
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({ severity: 'blocker', pid: 100 })
    expect(found[0]!.evidence).toEqual(['fd 3: /dev/kvm (char 10:232)'])
  })

  it('blocks any block device and a mapped GPU device', () => {
    const p = proc(100, {
      fds: withFds(device(4, '/dev/loop0', 7, 0, 'block')),
      maps: {
        devices: [{ path: '/dev/dri/renderD128', major: 226, minor: 128 }],
        sysvShm: false,
        uprobes: false,
        deletedFiles: []
      }
    })
    expect(findingsWithId([p], 100, 'device')[0]!.evidence).toEqual([
      'fd 4: /dev/loop0 (block 7:0)',
      'mapped: /dev/dri/renderD128 (226:128)'
    ])
  })

  it('accepts null, zero, random, urandom, full, tty, pts, ptmx, tun and shared /dev/zero maps', () => {
    const p = proc(100, {
      fds: withFds(
        device(3, '/dev/zero', 1, 5),
        device(4, '/dev/urandom', 1, 9),
        device(5, '/dev/random', 1, 8),
        device(6, '/dev/full', 1, 7),
        device(7, '/dev/tty', 5, 0),
        device(8, '/dev/pts/3', 136, 3),
        device(9, '/dev/ptmx', 5, 2),
        device(10, '/dev/net/tun', 10, 200),
        device(11, '/dev/tty2', 4, 2)
      ),
      maps: {
        devices: [{ path: '/dev/zero (deleted)', major: 1, minor: 5 }],
        sysvShm: false,
        uprobes: false,
        deletedFiles: []
      }
    })
    expect(findingsWithId([p], 100, 'device')).toEqual([])
  })

  it('judges a null device by its numbers when the path looks different (another mount ns)', () => {
    const p = proc(100, { fds: withFds(device(3, '/newroot/dev/null', 1, 3)) })
    expect(findingsWithId([p], 100, 'device')).toEqual([])
  })

  it('does not treat /dev/mem (1:1) as null', () => {
    const p = proc(100, { fds: withFds(device(3, '/dev/mem', 1, 1)) })
    expect(findingsWithId([p], 100, 'device')).toHaveLength(1)
  })
})
