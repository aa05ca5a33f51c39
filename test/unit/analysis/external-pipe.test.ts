import { describe, expect, it } from 'vitest'

import { findingsWithId, peer, pipe, proc, withFds } from './builders'

describe('external-pipe rule', () => {
  it('warns about a pipe whose other end is held outside the tree, naming the peer', () => {
    const reader = proc(100, { fds: withFds(pipe(0, 900, [peer(200, 1, 'writer')])) })
    const writer = proc(200, {
      name: 'writer',
      fds: withFds(pipe(1, 900, [peer(100, 0)], { end: 'write' }))
    })
    const [f, ...rest] = findingsWithId([reader, writer], 100, 'external-pipe')
    expect(rest).toEqual([])
    expect(f).toMatchObject({ severity: 'warning', pid: 100 })
    expect(f!.evidence).toEqual([
      'fd 0: pipe 900 (read end), other end held by pid 200 (writer) fd 1'
    ])
  })

  it('says nothing for a pipe between a parent and its child', () => {
    const parent = proc(100, { fds: withFds(pipe(3, 900, [peer(101, 4)])) })
    const child = proc(101, {
      ppid: 100,
      fds: withFds(pipe(4, 900, [peer(100, 3)], { end: 'write' }))
    })
    expect(findingsWithId([parent, child], 100, 'external-pipe')).toEqual([])
  })

  it('names a FIFO by its path', () => {
    const p = proc(100, {
      fds: withFds(pipe(3, 901, [peer(300)], { variant: 'fifo', path: '/tmp/fifo' }))
    })
    expect(findingsWithId([p, proc(300)], 100, 'external-pipe')[0]!.evidence[0]).toContain(
      'FIFO /tmp/fifo'
    )
  })
})
