/** The pure parts of the LSM check (security-model.md §4.6): labels as CRIU records them. */
import { describe, expect, it } from 'vitest'

import {
  hostLsm,
  lsmRefusal,
  profileFromAttr,
  type ImageLsm,
  type TaskLsm
} from '../../../electron/helper/image-lsm'

const none: TaskLsm = { profile: null, sockcreate: null }
const image = (
  lsmtype: number | null,
  ...threads: Partial<ImageLsm['threads'][0]>[]
): ImageLsm => ({
  lsmtype,
  threads: threads.map((t) => ({ pid: 10, tid: 10, profile: null, sockcreate: null, ...t }))
})

describe('the labels CRIU records', () => {
  it('picks the host module as CRIU does: AppArmor first, then SELinux, else none', () => {
    const has =
      (...paths: string[]) =>
      (p: string) =>
        paths.includes(p)
    expect(hostLsm(has('/sys/kernel/security/apparmor', '/sys/fs/selinux'))).toBe('apparmor')
    expect(hostLsm(has('/sys/fs/selinux'))).toBe('selinux')
    expect(hostLsm(has())).toBe('none')
  })

  it('keeps an AppArmor profile name without its mode, and no label for unconfined', () => {
    expect(profileFromAttr('snap.firefox.firefox (enforce)\n', 'apparmor')).toBe(
      'snap.firefox.firefox'
    )
    expect(profileFromAttr('unconfined\n', 'apparmor')).toBeNull()
    expect(profileFromAttr('', 'apparmor')).toBeNull()
    expect(profileFromAttr('unconfined_u:unconfined_r:unconfined_t:s0\0', 'selinux')).toBe(
      'unconfined_u:unconfined_r:unconfined_t:s0'
    )
    expect(profileFromAttr('anything', 'none')).toBeNull()
  })
})

describe('lsmRefusal', () => {
  it('accepts the labels that were recorded, and an image with none', () => {
    const rec = new Map([[10, { profile: 'firefox', sockcreate: null }]])
    expect(
      lsmRefusal(image(2, { profile: 'firefox' }, { tid: 11, profile: 'firefox' }), 'apparmor', rec)
    ).toBeNull()
    expect(lsmRefusal(image(2, {}), 'apparmor', rec)).toBeNull()
    expect(lsmRefusal(image(null, {}), 'none', new Map())).toBeNull()
  })

  it('refuses a label the process did not have, naming the thread and both labels', () => {
    const rec = new Map([[10, { profile: 'firefox', sockcreate: null }]])
    expect(lsmRefusal(image(2, { tid: 11, profile: 'unconfined_admin' }), 'apparmor', rec)).toBe(
      'thread 11 would get the security label "unconfined_admin", but process 10 had "firefox"'
    )
    expect(lsmRefusal(image(0, { profile: 'x' }), 'none', new Map([[10, none]]))).toMatch(
      /had none$/
    )
    expect(lsmRefusal(image(1, { sockcreate: 'sysadm_t' }), 'selinux', new Map())).toMatch(
      /create sockets labelled "sysadm_t"/
    )
  })

  it('refuses an inventory naming another module than the host’s; no module is always fine', () => {
    expect(lsmRefusal(image(1), 'apparmor', new Map())).toBe(
      "its inventory names another security module (selinux) than this machine's (apparmor)"
    )
    expect(lsmRefusal(image(7), 'none', new Map())).toMatch(/\(type 7\)/)
    expect(lsmRefusal(image(0), 'selinux', new Map())).toBeNull()
  })
})
