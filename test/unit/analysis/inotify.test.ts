import { describe, expect, it } from 'vitest'

import { anon, findingsWithId, proc, withFds } from './builders'

describe('inotify rule', () => {
  it('warns that events are dropped, naming the fds', () => {
    const p = proc(100, { fds: withFds(anon(3, 'inotify', 'anon_inode:inotify')) })
    const [f] = findingsWithId([p], 100, 'inotify')
    expect(f).toMatchObject({ severity: 'warning', evidence: ['fd 3: anon_inode:inotify'] })
    expect(f!.message).toMatch(/dropped/)
  })

  it('says nothing for an eventfd', () => {
    expect(
      findingsWithId([proc(100, { fds: withFds(anon(3, 'eventfd')) })], 100, 'inotify')
    ).toEqual([])
  })
})
