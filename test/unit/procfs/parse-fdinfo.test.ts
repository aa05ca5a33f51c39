import { describe, expect, it } from 'vitest'

import {
  parseFdinfo,
  pipeEndFromFlags,
  pipeEndFromLinkMode
} from '../../../electron/core/procfs/parse-fdinfo'

describe('parseFdinfo', () => {
  it('reads pos, octal flags, mnt_id, ino and lock lines', () => {
    const text =
      'pos:\t4096\nflags:\t0100002\nmnt_id:\t31\nino:\t2147720\n' +
      'lock:\t1: FLOCK  ADVISORY  WRITE 21773 fe:00:2147720 0 EOF\n' +
      'lock:\t2: OFDLCK ADVISORY  READ  -1 fe:00:2147720 0 99\n'
    const info = parseFdinfo(text)
    expect(info.pos).toBe(4096)
    expect(info.flags).toBe(0o100002)
    expect(info.mntId).toBe(31)
    expect(info.ino).toBe(2147720)
    expect(info.locks).toHaveLength(2)
    expect(info.locks[0]).toMatchObject({ kind: 'FLOCK', pid: 21773, dev: '254:0', end: 'EOF' })
    expect(info.locks[1]).toMatchObject({ kind: 'OFDLCK', pid: -1, access: 'READ', end: '99' })
  })

  it('gives nulls for a truncated file and ignores extra keys (eventfd, inotify)', () => {
    expect(parseFdinfo('pos:\t0\nfla')).toEqual({
      pos: 0,
      flags: null,
      mntId: null,
      ino: null,
      locks: [],
      pid: null
    })
    const inotify = parseFdinfo(
      'pos:\t0\nflags:\t02000000\nmnt_id:\t15\nino:\t1057\n' +
        'inotify wd:1 ino:2 sdev:fe00000 mask:fc6 ignored_mask:0 fhandle-bytes:8\n'
    )
    expect(inotify.flags).toBe(0o2000000)
    expect(inotify.locks).toEqual([])
  })

  it("reads a pidfd's Pid line (-1 once its process is gone)", () => {
    const live = 'pos:\t0\nflags:\t02000002\nmnt_id:\t16\nino:\t1\nPid:\t4242\nNSpid:\t4242\n'
    expect(parseFdinfo(live).pid).toBe(4242)
    expect(parseFdinfo('pos:\t0\nPid:\t-1\n').pid).toBe(-1)
    expect(parseFdinfo('pos:\t0\nPid:\t\n').pid).toBeNull()
  })

  it('rejects non-octal flags', () => {
    expect(parseFdinfo('flags:\t0x12\n').flags).toBeNull()
  })
})

describe('pipe ends', () => {
  it('from the access mode of the flags', () => {
    expect(pipeEndFromFlags(0o0)).toBe('read')
    expect(pipeEndFromFlags(0o1)).toBe('write')
    expect(pipeEndFromFlags(0o2)).toBeNull()
  })
  it('from the mode bits of the /proc/PID/fd link', () => {
    expect(pipeEndFromLinkMode(0o120500)).toBe('read')
    expect(pipeEndFromLinkMode(0o120300)).toBe('write')
    expect(pipeEndFromLinkMode(0o120700)).toBeNull()
  })
})
