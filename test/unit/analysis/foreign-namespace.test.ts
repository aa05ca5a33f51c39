import { describe, expect, it } from 'vitest'

import { findingsWithId, proc } from './builders'

describe('foreign-namespace rule', () => {
  it('blocks a process in another mount and net namespace, naming them', () => {
    const base = proc(100)
    const p = proc(100, {
      namespaces: {
        ...base.namespaces,
        mnt: { inode: 4026532001, same: false },
        net: { inode: 4026532002, same: false }
      }
    })
    const [f, ...rest] = findingsWithId([p], 100, 'foreign-namespace')
    expect(rest).toEqual([])
    expect(f).toMatchObject({ severity: 'blocker' })
    expect(f!.evidence).toEqual(['mnt namespace 4026532001', 'net namespace 4026532002'])
  })

  it('blocks a process in a nested pid namespace', () => {
    const p = proc(100, { nspid: [100, 1] })
    expect(findingsWithId([p], 100, 'foreign-namespace')[0]!.evidence).toEqual([
      'nested pid namespace: NSpid 100 1'
    ])
  })

  it('ignores namespaces that could not be read', () => {
    const base = proc(100)
    const p = proc(100, { namespaces: { ...base.namespaces, user: { inode: null, same: false } } })
    expect(findingsWithId([p], 100, 'foreign-namespace')).toEqual([])
  })
})
