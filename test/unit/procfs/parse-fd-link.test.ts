import { describe, expect, it } from 'vitest'

import { anonKindOf, classifyFdLink, pathOfLink } from '../../../electron/core/procfs/parse-fd-link'

describe('classifyFdLink', () => {
  it('reads pipe and socket inodes', () => {
    expect(classifyFdLink('pipe:[48496]')).toEqual({ cls: 'pipe', inode: 48496 })
    expect(classifyFdLink('socket:[19353]')).toEqual({ cls: 'socket', inode: 19353 })
  })

  it('treats malformed pipe/socket text as unknown', () => {
    expect(classifyFdLink('pipe:[abc]')).toEqual({ cls: 'unknown' })
    expect(classifyFdLink('socket:19353')).toEqual({ cls: 'unknown' })
  })

  it.each([
    ['anon_inode:[eventfd]', 'eventfd'],
    ['anon_inode:[eventpoll]', 'eventpoll'],
    ['anon_inode:inotify', 'inotify'],
    ['anon_inode:[fanotify]', 'fanotify'],
    ['anon_inode:[signalfd]', 'signalfd'],
    ['anon_inode:[timerfd]', 'timerfd'],
    ['anon_inode:[pidfd]', 'pidfd'],
    ['anon_inode:[io_uring]', 'io_uring'],
    ['anon_inode:[userfaultfd]', 'userfaultfd'],
    ['anon_inode:[perf_event]', 'perf_event'],
    ['anon_inode:bpf-map', 'bpf-map'],
    ['anon_inode:bpf-prog', 'bpf-prog'],
    ['anon_inode:bpf_link', 'bpf-link'],
    ['anon_inode:[kvm-vm]', 'other'],
    ['anon_inode:', 'other']
  ])('classifies %s as %s', (target, kind) => {
    expect(classifyFdLink(target)).toEqual({ cls: 'anon', anonKind: kind })
  })

  it('reads memfd names with and without " (deleted)"', () => {
    expect(classifyFdLink('/memfd:wayland-shm (deleted)')).toEqual({
      cls: 'memfd',
      name: 'wayland-shm'
    })
    expect(classifyFdLink('/memfd:a b')).toEqual({ cls: 'memfd', name: 'a b' })
  })

  it('marks deleted paths and strips the suffix', () => {
    expect(classifyFdLink('/tmp/big file (deleted)')).toEqual({
      cls: 'path',
      path: '/tmp/big file',
      deleted: true
    })
    expect(classifyFdLink('/dev/dri/card0')).toEqual({
      cls: 'path',
      path: '/dev/dri/card0',
      deleted: false
    })
  })

  it('pathOfLink: a link count of 0 means deleted; a live file may end in " (deleted)"', () => {
    expect(pathOfLink('/tmp/x/big (deleted)', 1)).toEqual({
      path: '/tmp/x/big (deleted)',
      deleted: false
    })
    expect(pathOfLink('/tmp/x/big (deleted)', 0)).toEqual({ path: '/tmp/x/big', deleted: true })
    expect(pathOfLink('/tmp/x/a (deleted) (deleted)', 0)).toEqual({
      path: '/tmp/x/a (deleted)',
      deleted: true
    })
    // Without a stat, the text decides; without the suffix, the kernel says it is linked.
    expect(pathOfLink('/tmp/x/big (deleted)', null)).toEqual({ path: '/tmp/x/big', deleted: true })
    expect(pathOfLink('/tmp/x/big', 0)).toEqual({ path: '/tmp/x/big', deleted: false })
  })

  it('sees dma-buf fds as anon dmabuf and nsfs links as unknown', () => {
    expect(classifyFdLink('/dmabuf:')).toEqual({ cls: 'anon', anonKind: 'dmabuf' })
    expect(classifyFdLink('net:[4026531840]')).toEqual({ cls: 'unknown' })
  })

  it('anonKindOf strips brackets only when both are there', () => {
    expect(anonKindOf('[io_uring]')).toBe('io_uring')
    expect(anonKindOf('[io_uring')).toBe('other')
  })
})
