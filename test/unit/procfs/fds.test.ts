/**
 * readFds classifies a raw read (raw.ts) without any I/O: captured link texts, stat numbers and
 * fdinfo text in, fd entries, locks and what could not be read out.
 */
import { describe, expect, it } from 'vitest'

import { readFds } from '../../../electron/core/procfs/fds'
import type { RawFdStat, RawProcess, RawText } from '../../../electron/core/procfs/raw'

type Fd = [name: string, link: RawText, stat: RawFdStat, info: RawText | null]

function raw(fds: Fd[]): Pick<RawProcess, 'fdNames' | 'fdLinks' | 'fdStats' | 'fdInfos'> {
  return {
    fdNames: fds.map((f) => f[0]),
    fdLinks: fds.map((f) => f[1]),
    fdStats: fds.map((f) => f[2]),
    fdInfos: fds.map((f) => f[3])
  }
}

// glibc dev_t of 254:1 and of char device 1:5 (/dev/zero).
const DEV_254_1 = (254 << 8) | 1
const RDEV_1_5 = (1 << 8) | 5

describe('readFds', () => {
  it('tells pipe ends from the link mode and classifies sockets, anon inodes and memfds', () => {
    const out = readFds(
      raw([
        ['3', 'pipe:[100]', [0o010400], null],
        ['4', 'pipe:[100]', [0o010200], null],
        ['5', 'socket:[200]', null, null],
        ['6', 'anon_inode:[eventpoll]', null, null],
        ['7', '/memfd:cache (deleted)', null, null]
      ])
    )
    expect(out.fds).toEqual([
      { fd: 3, kind: 'pipe', variant: 'pipe', inode: 100, path: null, end: 'read', peers: [] },
      { fd: 4, kind: 'pipe', variant: 'pipe', inode: 100, path: null, end: 'write', peers: [] },
      expect.objectContaining({ fd: 5, kind: 'socket', inode: 200, proto: 'unknown' }),
      { fd: 6, kind: 'anon', anonKind: 'eventpoll', target: 'anon_inode:[eventpoll]' },
      { fd: 7, kind: 'memfd', name: 'cache' }
    ])
    expect(out.pipes).toHaveLength(2)
    expect(out.sockets).toHaveLength(1)
    expect(out.unreadable).toEqual([])
  })

  it('reads a regular file’s flags, position and lock lines from fdinfo', () => {
    const info =
      'pos:\t42\nflags:\t0100002\nmnt_id:\t25\nino:\t777\n' +
      'lock:\t1: FLOCK  ADVISORY  WRITE 1234 fe:01:777 0 EOF\n'
    const out = readFds(raw([['9', '/tmp/x.lock', [0o100600, DEV_254_1, 777, 0, 5], info]]))
    expect(out.fds).toEqual([
      {
        fd: 9,
        kind: 'file',
        path: '/tmp/x.lock',
        flags: 0o100002,
        pos: 42,
        deleted: false,
        size: 5
      }
    ])
    expect(out.locks).toEqual([
      expect.objectContaining({ kind: 'FLOCK', access: 'WRITE', dev: '254:1', inode: 777, fd: 9 })
    ])
    expect(out.fileIds.get('254:1:777')).toEqual({ fd: 9, path: '/tmp/x.lock' })
  })

  it('classifies devices, directories and FIFOs by the stat mode', () => {
    const out = readFds(
      raw([
        ['0', '/dev/zero', [0o020666, 5, 4, RDEV_1_5, 0], null],
        ['1', '/home', [0o040755, DEV_254_1, 2, 0, 4096], null],
        ['2', '/tmp/f.fifo', [0o010644, DEV_254_1, 55, 0, 0], 'pos:\t0\nflags:\t01\n']
      ])
    )
    expect(out.fds).toEqual([
      { fd: 0, kind: 'device', devType: 'char', major: 1, minor: 5, path: '/dev/zero' },
      { fd: 1, kind: 'dir', path: '/home' },
      {
        fd: 2,
        kind: 'pipe',
        variant: 'fifo',
        inode: 55,
        path: '/tmp/f.fifo',
        end: 'write',
        peers: []
      }
    ])
    expect(out.fifos).toEqual([{ key: '254:1:55', fd: out.fds[2] }])
  })

  it('skips fds closed mid-read and says what it could not read', () => {
    const out = readFds(
      raw([
        ['3', { code: 'ENOENT' }, null, null],
        ['4', { code: 'EACCES' }, null, null],
        ['5', '/gone', { code: 'ENOENT' }, null],
        ['6', '/secret', { code: 'EACCES' }, null],
        ['7', '/tmp/y (deleted)', [0o100600, DEV_254_1, 9, 0, 3, 0], { code: 'EACCES' }]
      ])
    )
    expect(out.fds).toEqual([
      { fd: 6, kind: 'file', path: '/secret', flags: null, pos: null, deleted: false, size: null },
      { fd: 7, kind: 'file', path: '/tmp/y', flags: null, pos: null, deleted: true, size: 3 }
    ])
    expect(out.unreadable).toEqual([
      'fd 6: stat permission denied',
      'fd 7 fdinfo: permission denied',
      'fd links: 1 unreadable'
    ])
  })

  it('tells a deleted file from a live one named "… (deleted)" by its link count', () => {
    const out = readFds(
      raw([
        ['3', '/tmp/x/big (deleted)', [0o100600, DEV_254_1, 10, 0, 3 << 20, 1], null],
        ['4', '/tmp/x/gone (deleted) (deleted)', [0o100600, DEV_254_1, 11, 0, 7, 0], null],
        ['5', '/tmp/x/plain (deleted)', [0o100600, DEV_254_1, 12, 0, 8, 0], null],
        ['6', '/tmp/x/dir (deleted)', [0o040755, DEV_254_1, 13, 0, 4096, 2], null],
        // No stat: the link text is all there is.
        ['7', '/tmp/x/unknown (deleted)', { code: 'EACCES' }, null]
      ])
    )
    const file = (fd: number, path: string, deleted: boolean, size: number | null) => ({
      fd,
      kind: 'file',
      path,
      flags: null,
      pos: null,
      deleted,
      size
    })
    expect(out.fds).toEqual([
      file(3, '/tmp/x/big (deleted)', false, 3 << 20),
      file(4, '/tmp/x/gone (deleted)', true, 7),
      file(5, '/tmp/x/plain', true, 8),
      { fd: 6, kind: 'dir', path: '/tmp/x/dir (deleted)' },
      file(7, '/tmp/x/unknown', true, null)
    ])
    expect(out.fileIds.get('254:1:10')).toEqual({ fd: 3, path: '/tmp/x/big (deleted)' })
  })

  it('reports a vanished fd directory as gone and a forbidden one as unreadable', () => {
    const gone = readFds({ fdNames: { code: 'ENOENT' }, fdLinks: [], fdStats: [], fdInfos: [] })
    expect(gone).toMatchObject({ gone: true, fds: [], unreadable: [] })
    const denied = readFds({ fdNames: { code: 'EACCES' }, fdLinks: [], fdStats: [], fdInfos: [] })
    expect(denied).toMatchObject({ gone: false, fds: [], unreadable: ['fd: permission denied'] })
  })
})
