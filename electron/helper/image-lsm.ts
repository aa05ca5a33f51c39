/**
 * The LSM part of security-model.md §4.6: an image set may carry only the security labels its
 * processes had when the helper checked them, and only the host's security module.
 *
 * CRIU records the host's module in inventory.lsmtype, and per thread creds.lsm_profile (AppArmor:
 * the profile name from /proc/PID/attr/current without its mode, "unconfined" left out; SELinux:
 * the context) and creds.lsm_sockcreate. On restore it writes those labels back while running as
 * the user, so the kernel's policy still has the last word; this check keeps a forged image from
 * asking at all. Labels are recorded per process (its main thread) and every thread is compared
 * with them.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

import { CORE_MAGIC } from './image-creds'
import {
  fields,
  ImageCheckError,
  optional,
  optionalString,
  readEntries,
  u32,
  type PstreeEntry
} from '../core/images/strict-proto'
import { INVENTORY_MAGIC } from '../core/images/magic'

/** criu.proto's lsmtype values. */
export const LSM_TYPES = { none: 0, selinux: 1, apparmor: 2 } as const
export type HostLsm = keyof typeof LSM_TYPES

/** The labels of one process as the helper read them before CRIU ran. */
export interface TaskLsm {
  profile: string | null
  sockcreate: string | null
}

/** The host's module, decided the way CRIU decides it (kerndat_lsm): AppArmor first. */
export function hostLsm(exists: (path: string) => boolean = existsSync): HostLsm {
  if (exists('/sys/kernel/security/apparmor')) return 'apparmor'
  if (exists('/sys/fs/selinux')) return 'selinux'
  return 'none'
}

/** The label CRIU records for an /proc/PID/attr/current text under `lsm`. Pure. */
export function profileFromAttr(text: string, lsm: HostLsm): string | null {
  if (lsm === 'none') return null
  const raw = text.replace(/\0/g, '').trim()
  if (lsm === 'apparmor') {
    // "name (enforce)": CRIU keeps the name; unconfined means no profile.
    const name = raw.split(/\s/)[0] ?? ''
    return name === '' || name === 'unconfined' ? null : name
  }
  return raw === '' ? null : raw
}

function readAttr(pid: number, name: string): string {
  try {
    return readFileSync(`/proc/${pid}/attr/${name}`).subarray(0, 4096).toString('utf8')
  } catch {
    // No module answers (EINVAL) or the process is gone: no label.
    return ''
  }
}

/** The labels of process `pid` as CRIU would record them. */
export function readTaskLsm(pid: number, lsm: HostLsm): TaskLsm {
  const sock = readAttr(pid, 'sockcreate').replace(/\0/g, '').trim()
  return {
    profile: profileFromAttr(readAttr(pid, 'current'), lsm),
    sockcreate: lsm === 'none' || sock === '' ? null : sock
  }
}

/** What an image set says about labels: inventory's module and each thread's labels. */
export interface ImageLsm {
  lsmtype: number | null
  threads: { pid: number; tid: number; profile: string | null; sockcreate: string | null }[]
}

/** Reads the labels of `live` (the tree without its zombies, whose thread lists mean nothing). */
export function readImageLsm(dir: string, live: readonly PstreeEntry[]): ImageLsm {
  const inv = readEntries(join(dir, 'inventory.img'), INVENTORY_MAGIC, 'single')
  if (inv.length !== 1) throw new ImageCheckError('inventory.img: expected one entry')
  const t = optional(fields(inv[0] as Uint8Array), 6)
  if (t && t.wire !== 0) throw new ImageCheckError('inventory lsmtype is not a number')
  const threads: ImageLsm['threads'] = []
  for (const task of live) {
    for (const tid of task.threads) {
      const entries = readEntries(join(dir, `core-${tid}.img`), CORE_MAGIC)
      if (entries.length !== 1) throw new ImageCheckError(`core-${tid}.img: expected one entry`)
      const tc = optional(fields(entries[0] as Uint8Array), 5)?.bytes
      const cr = tc ? optional(fields(tc), 10)?.bytes : undefined
      // No creds, no labels; verifyImageSet (image-creds.ts) refuses a live thread without creds.
      if (!cr) continue
      const fs = fields(cr)
      threads.push({
        pid: task.pid,
        tid,
        profile: optionalString(fs, 15, `core-${tid}.img lsm_profile`),
        sockcreate: optionalString(fs, 16, `core-${tid}.img lsm_sockcreate`)
      })
    }
  }
  return { lsmtype: t ? u32(t.varint) : null, threads }
}

const show = (label: string | null): string => (label === null ? 'none' : `"${label}"`)

/** Why the image's labels are not the recorded ones, or null. Pure. */
export function lsmRefusal(
  image: ImageLsm,
  host: HostLsm,
  recorded: ReadonlyMap<number, TaskLsm>
): string | null {
  const type = image.lsmtype ?? LSM_TYPES.none
  if (type !== LSM_TYPES.none && type !== LSM_TYPES[host]) {
    const name = Object.entries(LSM_TYPES).find(([, v]) => v === type)?.[0] ?? `type ${type}`
    return `its inventory names another security module (${name}) than this machine's (${host})`
  }
  for (const t of image.threads) {
    const rec = recorded.get(t.pid) ?? { profile: null, sockcreate: null }
    if (t.profile !== null && t.profile !== rec.profile) {
      return `thread ${t.tid} would get the security label ${show(t.profile)}, but process ${t.pid} had ${show(rec.profile)}`
    }
    if (t.sockcreate !== null && t.sockcreate !== rec.sockcreate) {
      return `thread ${t.tid} would create sockets labelled ${show(t.sockcreate)}, but process ${t.pid} had ${show(rec.sockcreate)}`
    }
  }
  return null
}
