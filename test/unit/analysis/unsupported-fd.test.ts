import { describe, expect, it } from 'vitest'

import { anon, findingsWithId, proc, withFds } from './builders'

describe('unsupported-fd rule', () => {
  it('blocks io_uring, userfaultfd and perf_event, naming each kind', () => {
    const p = proc(100, {
      fds: withFds(
        anon(3, 'io_uring'),
        anon(4, 'userfaultfd'),
        anon(5, 'perf_event'),
        anon(6, 'bpf-map', 'anon_inode:bpf-map')
      )
    })
    const [f, ...rest] = findingsWithId([p], 100, 'unsupported-fd')
    expect(rest).toEqual([])
    expect(f).toMatchObject({ severity: 'blocker', pid: 100 })
    expect(f!.message).toContain('io_uring')
    expect(f!.message).toContain('userfaultfd')
    expect(f!.message).toContain('perf_event')
    expect(f!.message).toContain('BPF map')
    expect(f!.evidence).toEqual([
      'fd 3: anon_inode:[io_uring]',
      'fd 4: anon_inode:[userfaultfd]',
      'fd 5: anon_inode:[perf_event]',
      'fd 6: anon_inode:bpf-map'
    ])
  })

  it('only warns about kinds it does not know', () => {
    const p = proc(100, { fds: withFds(anon(3, 'other', 'anon_inode:[weird]')) })
    const [f] = findingsWithId([p], 100, 'unsupported-fd')
    expect(f).toMatchObject({ severity: 'warning', evidence: ['fd 3: anon_inode:[weird]'] })
  })

  it('accepts the kinds CRIU supports', () => {
    const p = proc(100, {
      fds: withFds(
        anon(3, 'eventfd'),
        anon(4, 'eventpoll'),
        anon(5, 'signalfd'),
        anon(6, 'timerfd'),
        anon(7, 'inotify')
      )
    })
    expect(findingsWithId([p], 100, 'unsupported-fd')).toEqual([])
  })
})
