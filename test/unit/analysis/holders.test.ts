import { describe, expect, it } from 'vitest'

import { indexScan } from '../../../electron/core/analysis/tree'
import { splitHolders } from '../../../electron/core/analysis/holders'
import { findingsWithId, peer, pipe, proc, scanOf, withFds } from './builders'

describe('depth-first numbering and holder ranges', () => {
  const procs = [
    proc(1, { ppid: 0 }),
    proc(10, { ppid: 1, fds: withFds(pipe(3, 77, [])) }),
    proc(11, { ppid: 10, fds: withFds(pipe(3, 77, [])) }),
    proc(12, { ppid: 11 }),
    proc(20, { ppid: 1, fds: withFds(pipe(4, 77, [])) }),
    proc(30, { ppid: 999, fds: withFds(pipe(5, 77, [])) })
  ]
  const index = indexScan(scanOf(procs))
  const range = (pid: number) => ({
    lo: index.order.enter.get(pid)!,
    hi: index.order.exit.get(pid)!
  })

  it('gives every tree a contiguous range holding exactly its descendants', () => {
    const inside = (root: number) =>
      procs
        .map((p) => p.pid)
        .filter((pid) => {
          const n = index.order.enter.get(pid)!
          return n >= range(root).lo && n < range(root).hi
        })
    expect(inside(1).sort((a, b) => a - b)).toEqual([1, 10, 11, 12, 20])
    expect(inside(10).sort((a, b) => a - b)).toEqual([10, 11, 12])
    expect(inside(30)).toEqual([30])
  })

  it('splits the holders of an inode into inside and outside', () => {
    const h = index.pipeHolders.get(77)
    expect(splitHolders(h, range(10), 5)).toEqual({
      inside: 2,
      outside: 2,
      firstOutside: expect.arrayContaining([20, 30])
    })
    expect(splitHolders(h, range(1), 5)).toMatchObject({
      inside: 3,
      outside: 1,
      firstOutside: [30]
    })
    expect(splitHolders(h, range(1), 0).firstOutside).toEqual([])
    expect(splitHolders(undefined, range(1), 5)).toEqual({
      inside: 0,
      outside: 0,
      firstOutside: []
    })
  })
})

describe('external-pipe with many holders', () => {
  it('names five holders and counts the rest', () => {
    const shared = (fd: number) => pipe(fd, 500, [], { end: 'write' })
    const reader = proc(2, { name: 'reader', fds: withFds(pipe(0, 500, [])) })
    const writers = Array.from({ length: 40 }, (_, i) => proc(100 + i, { fds: withFds(shared(1)) }))
    const [f] = findingsWithId([reader, ...writers], 2, 'external-pipe')
    expect(f!.evidence).toEqual([
      'fd 0: pipe 500 (read end), other end held by pid 100 (proc100) fd 1, pid 101 (proc101) fd 1, ' +
        'pid 102 (proc102) fd 1, pid 103 (proc103) fd 1, pid 104 (proc104) fd 1, and 35 more'
    ])
  })

  it('falls back to the scanner’s peers when no scanned fd shows the other end', () => {
    const p = proc(2, { fds: withFds(pipe(0, 501, [peer(300, null, 'ghost')])) })
    expect(findingsWithId([p], 2, 'external-pipe')[0]!.evidence).toEqual([
      'fd 0: pipe 501 (read end), other end held by pid 300 (ghost)'
    ])
  })
})
