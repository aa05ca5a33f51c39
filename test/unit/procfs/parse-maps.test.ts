import { describe, expect, it } from 'vitest'

import { mapsLinePath, parseMaps } from '../../../electron/core/procfs/parse-maps'
import { MAPS_LINES } from '../../../electron/core/procfs/raw'
import { keptLines } from './kept-lines'

const MAPS = [
  '55f1c0a00000-55f1c0a02000 r--p 00000000 fe:00 1835013                    /usr/bin/cat',
  '7f2263a00000-7f2263a22000 r--p 00000000 fe:00 1837346                    /usr/lib/x86_64-linux-gnu/libc.so.6',
  '7f2263b00000-7f2263b10000 rw-s 00000000 00:05 1043                       /dev/dri/renderD128',
  '7f2263b10000-7f2263b20000 rw-s 00000000 00:05 1044                       /dev/dri/renderD128',
  '7f2263b20000-7f2263b30000 rw-s 00000000 00:01 32768                      /SYSV0000162e (deleted)',
  '7f2263b30000-7f2263b40000 rw-s 00000000 00:01 2049                       /dev/zero (deleted)',
  '7f2263b40000-7f2263b50000 rw-s 00000000 00:01 2050                       /memfd:pulse (deleted)',
  '7f2263b50000-7f2263b60000 r--s 00000000 fe:00 2155001                    /tmp/old build/out.bin (deleted)',
  '7f2263b60000-7f2263b70000 rw-s 00000000 00:1a 99                         /dev/shm/seg (deleted)',
  '7f2263b70000-7f2263b80000 rw-s 00000000 00:1a 98                         /dev/shm/live',
  '7ffff7ff0000-7ffff7ff1000 r-xp 00000000 00:00 0                          [uprobes]',
  '7ffe7dff2000-7ffe7e013000 rw-p 00000000 00:00 0                          [stack]',
  '7f2263c51000-7f2263c55000 r--p 00000000 00:00 0 ',
  ''
].join('\n')

describe('parseMaps', () => {
  it('finds device mappings, SysV shm, uprobes and deleted files', () => {
    expect(parseMaps(MAPS)).toEqual({
      devicePaths: ['/dev/dri/renderD128'],
      sysvShm: true,
      uprobes: true,
      deletedFiles: ['/tmp/old build/out.bin', '/dev/shm/seg']
    })
  })

  it('reports nothing for an ordinary process', () => {
    expect(parseMaps(MAPS.split('\n').slice(0, 2).join('\n'))).toEqual({
      devicePaths: [],
      sysvShm: false,
      uprobes: false,
      deletedFiles: []
    })
  })

  it('extracts the path column, spaces included', () => {
    expect(mapsLinePath(MAPS.split('\n')[7]!)).toBe('/tmp/old build/out.bin (deleted)')
    expect(mapsLinePath('7f2263c51000-7f2263c55000 r--p 00000000 00:00 0')).toBe('')
  })
})

describe('the maps lines the raw reader keeps (MAPS_LINES)', () => {
  it('give what the whole file does', () => {
    expect(parseMaps(keptLines(MAPS, MAPS_LINES, false))).toEqual(parseMaps(MAPS))
  })

  it('are none for a process that maps no device, SysV segment, uprobe or deleted file', () => {
    const plain = MAPS.split('\n')
      .filter((l) => !/\/dev\/|\/SYSV|\[uprobes\]|\(deleted\)/.test(l))
      .join('\n')
    expect(keptLines(plain, MAPS_LINES, false)).toBe('')
  })
})
