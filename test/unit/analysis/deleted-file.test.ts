import { describe, expect, it } from 'vitest'

import { file, findingsWithId, proc, withFds } from './builders'

describe('deleted-file rule', () => {
  it('warns about a small deleted open file with its size', () => {
    const p = proc(100, {
      fds: withFds(file(3, '/tmp/scratch (deleted)', { deleted: true, size: 5 }))
    })
    const [f, ...rest] = findingsWithId([p], 100, 'deleted-file')
    expect(rest).toEqual([])
    expect(f).toMatchObject({ severity: 'warning', pid: 100 })
    expect(f!.evidence).toEqual(['fd 3: /tmp/scratch (deleted) (5 B)'])
  })

  it('needs --ghost-limit above 1 MiB', () => {
    const p = proc(100, {
      fds: withFds(file(3, '/tmp/big', { deleted: true, size: 4 * 1024 * 1024 }))
    })
    const [f] = findingsWithId([p], 100, 'deleted-file')
    expect(f).toMatchObject({ severity: 'needs-option', option: '--ghost-limit' })
    expect(f!.evidence).toEqual(['fd 3: /tmp/big (4.0 MiB)'])
  })

  it('mentions deleted mappings and a replaced program file', () => {
    const p = proc(100, {
      exe: '/usr/bin/app',
      exeDeleted: true,
      maps: { devices: [], sysvShm: false, uprobes: false, deletedFiles: ['/usr/lib/libx.so'] }
    })
    expect(findingsWithId([p], 100, 'deleted-file')[0]!.evidence).toEqual([
      'mapped: /usr/lib/libx.so',
      'program file: /usr/bin/app (deleted or replaced)'
    ])
  })

  it('ignores files that still exist', () => {
    const p = proc(100, { fds: withFds(file(3, '/tmp/kept', { size: 10 * 1024 * 1024 })) })
    expect(findingsWithId([p], 100, 'deleted-file')).toEqual([])
  })
})

describe('deleted-file rule and memfd programs', () => {
  it('says a memfd program runs from memory rather than calling it replaced', () => {
    const p = proc(100, { exe: '/memfd:sealed-1234', exeDeleted: true })
    expect(findingsWithId([p], 100, 'deleted-file')[0]!.evidence).toEqual([
      'program file: memfd:sealed-1234 (runs from an in-memory file)'
    ])
  })
})
