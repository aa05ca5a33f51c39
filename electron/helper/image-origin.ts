/**
 * The rest of security-model.md §4.6 that the creds check does not cover: an image set may only
 * name the programs the helper saw and the namespaces it was dumped in, and ask for no plugins.
 *
 * - exe link: `mm-PID.img` exe_file_id → the one REG entry with that id in `files.img`; its name
 *   must equal the `/proc/PID/exe` the helper read before CRIU ran (else a restored process could
 *   show /usr/bin/sudo as its /proc/PID/exe). A remap of that id, or the legacy `reg-files.img`
 *   that could shadow it, is refused.
 * - namespaces: every task's namespace ids (`ids-PID.img`, and core's `ids` where present) equal
 *   inventory's root_ids (CRIU's own namespaces: no nested user/mnt/net/pid/ipc/uts namespace),
 *   and at restore also the ids recorded at dump time; no namespace image (netns-*, utsns-*, …)
 *   that a single-namespace dump never writes. CRIU 4.2.1 writes `timens-0.img` for every dump.
 * - plugins: inventory's plugins_entry must be empty (CRIU 4.2.1 writes it, with no plugin).
 * - security labels: the host's module and the labels read from /proc (image-lsm.ts).
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'

import { CORE_MAGIC, isDeadTask, type PstreeEntry } from './image-creds'
import { hostLsm, lsmRefusal, readImageLsm, type TaskLsm } from './image-lsm'
import {
  fields,
  ImageCheckError,
  oneMessage,
  oneString,
  oneU32,
  optional,
  readEntries,
  readImageFile,
  splitEntries,
  u32
} from '../core/images/strict-proto'
import { INVENTORY_MAGIC } from '../core/images/magic'

const IDS_MAGIC = 0x54432030
const MM_MAGIC = 0x57492820
const FILES_MAGIC = 0x56303138
const REMAP_FPATH_MAGIC = 0x59133954
/** file_entry.type of a regular file (FD_TYPES__REG). */
const FD_TYPE_REG = 1

/** task_kobj_ids_entry namespace fields, by name (criu.proto). */
export const NS_FIELDS = {
  pid: 5,
  net: 6,
  ipc: 7,
  uts: 8,
  mnt: 9,
  user: 10,
  cgroup: 11,
  time: 12
} as const
export type NsName = keyof typeof NS_FIELDS
export type NsIds = Partial<Record<NsName, number>>

/** What the helper read from /proc for one process before CRIU ran. */
export interface TaskExe {
  pid: number
  exe: string
  /** Its security labels (image-lsm.ts); absent in manifests of older helpers: no labels. */
  lsm?: TaskLsm
}

/** What the manifest holds for these checks; `namespaces` is absent while ingesting. */
export interface OriginRecord {
  tasks: readonly TaskExe[]
  namespaces?: NsIds
}

/** An image check failure with its own advice (the caller adds what happened). */
export class OriginError extends ImageCheckError {
  constructor(
    why: string,
    readonly remedy: string
  ) {
    super(why)
  }
}

const TAMPERED = 'The image was altered or the process is hostile; the snapshot cannot be used.'

/** Reads the namespace ids of a task_kobj_ids_entry; duplicates refused, other fields ignored. */
export function parseNsIds(msg: Uint8Array): NsIds {
  const fs = fields(msg)
  const out: NsIds = {}
  for (const [name, no] of Object.entries(NS_FIELDS) as [NsName, number][]) {
    const f = optional(fs, no)
    if (f) {
      if (f.wire !== 0) throw new ImageCheckError(`namespace id ${name} is not a number`)
      out[name] = u32(f.varint)
    }
  }
  return out
}

/** The first namespace whose id differs between `a` and `b`, or null. Pure. */
export function nsDifference(a: NsIds, b: NsIds): NsName | null {
  for (const name of Object.keys(NS_FIELDS) as NsName[]) if (a[name] !== b[name]) return name
  return null
}

/** inventory.img: refuses a non-empty plugins entry; returns root_ids' namespace ids. */
export function readInventoryStrict(dir: string): NsIds {
  const entries = readEntries(join(dir, 'inventory.img'), INVENTORY_MAGIC, 'single')
  if (entries.length !== 1) throw new ImageCheckError('inventory.img: expected one entry')
  const fs = fields(entries[0] as Uint8Array)
  const plugins = optional(fs, 12)
  if (plugins && (plugins.wire !== 2 || (plugins.bytes?.length ?? 0) > 0)) {
    throw new OriginError(
      'its inventory asks CRIU to load plugins (GPU or other plugin state), which the helper never allows',
      TAMPERED
    )
  }
  return parseNsIds(oneMessage(fs, 3, 'inventory root_ids'))
}

/** Every namespace-id record of one task: ids-PID.img and core's `ids`, whichever exist. */
export function readTaskNsStrict(dir: string, pid: number): NsIds[] {
  const out: NsIds[] = []
  const ids = readImageFile(join(dir, `ids-${pid}.img`))
  if (ids) {
    const entries = splitEntries(ids, IDS_MAGIC, `ids-${pid}.img`)
    if (entries.length !== 1) throw new ImageCheckError(`ids-${pid}.img: expected one entry`)
    out.push(parseNsIds(entries[0] as Uint8Array))
  }
  const core = readEntries(join(dir, `core-${pid}.img`), CORE_MAGIC)
  if (core.length !== 1) throw new ImageCheckError(`core-${pid}.img: expected one entry`)
  const f = optional(fields(core[0] as Uint8Array), 4)
  if (f) {
    if (f.wire !== 2 || !f.bytes) throw new ImageCheckError(`core-${pid}.img: ids is not a message`)
    out.push(parseNsIds(f.bytes))
  }
  return out
}

/** The exe_file_id of a process (mm-PID.img). */
export function readExeIdStrict(dir: string, pid: number): number {
  const entries = readEntries(join(dir, `mm-${pid}.img`), MM_MAGIC)
  if (entries.length !== 1) throw new ImageCheckError(`mm-${pid}.img: expected one entry`)
  return oneU32(fields(entries[0] as Uint8Array), 12)
}

/** Pure: the name of the one REG entry with `id` in files.img entries; refuses anything else. */
export function regFileName(entries: readonly Uint8Array[], id: number): string {
  const hits: string[] = []
  for (const e of entries) {
    const fs = fields(e)
    const fid = optional(fs, 2)
    const reg = optional(fs, 3)
    const regFs = reg?.bytes ? fields(reg.bytes) : null
    const regId = regFs ? optional(regFs, 1) : undefined
    const ids = [fid?.varint, regId?.varint].filter((v) => v !== undefined).map(u32)
    if (!ids.includes(id)) continue
    if (oneU32(fs, 1) !== FD_TYPE_REG || !regFs || ids.length !== 2 || ids[0] !== ids[1]) {
      throw new ImageCheckError(`file ${id} is not a plain regular-file entry`)
    }
    hits.push(oneString(regFs, 6, `the name of file ${id}`))
  }
  if (hits.length !== 1) throw new ImageCheckError(`file ${id} appears ${hits.length} times`)
  return hits[0] as string
}

/** Why a list of image names holds an image a plain Mode U dump never writes, or null. Pure. */
export function foreignImage(names: readonly string[]): string | null {
  const ns =
    /^(?:utsns|mountpoints|mnts|userns|pidns|netns|netns-ct|netns-exp|netdev|ipcns-var|ipcns-shm|ipcns-msg|ipcns-sem|ifaddr|route|route6|rule|iptables|ip6tables|nftables|tmpfs|tmpfs-dev)-[0-9a-f]+(?:\.[a-z0-9.]+)?\.img$|^timens-[0-9]+\.img$|^binfmt-misc\.img$/
  for (const name of names) {
    if (name === 'timens-0.img') continue
    if (ns.test(name))
      return `it holds ${name}, a namespace image a single-namespace freeze never writes`
    if (name === 'reg-files.img') {
      return 'it holds reg-files.img, a file table CRIU 4 never writes (it could shadow files.img)'
    }
  }
  return null
}

/** The remap-fpath.img entries' orig_ids (files CRIU would substitute on restore). */
function remappedIds(dir: string): Set<number> {
  const buf = readImageFile(join(dir, 'remap-fpath.img'))
  if (!buf) return new Set()
  return new Set(
    splitEntries(buf, REMAP_FPATH_MAGIC, 'remap-fpath.img').map((e) => oneU32(fields(e), 1))
  )
}

function exeMismatch(pid: number, recorded: string, image: string): OriginError {
  if (recorded.endsWith(' (deleted)')) {
    return new OriginError(
      `the program file of process ${pid} (${recorded.slice(0, -10)}) was deleted or replaced after it started`,
      'Restart the program so that it runs from its current file, then freeze it again.'
    )
  }
  return new OriginError(
    `process ${pid} ran ${recorded} when it was checked, but the image says its program is ${image}`,
    'If the program was replaced while it ran, restart it and try again; otherwise the process ' +
      'may be hostile or the image was altered. The snapshot was not kept.'
  )
}

/**
 * Verifies the exe links, namespaces, plugins and image names of an image set against `record`.
 * Returns the namespace ids of the snapshot (inventory root_ids) for the manifest; throws
 * OriginError (with advice) or ImageCheckError (malformed images).
 */
export function verifyImageOrigin(
  dir: string,
  tree: readonly PstreeEntry[],
  record: OriginRecord
): NsIds {
  const foreign = foreignImage(readdirSync(dir))
  if (foreign) throw new OriginError(foreign, TAMPERED)
  const rootNs = readInventoryStrict(dir)
  if (rootNs.user === undefined || rootNs.mnt === undefined || rootNs.net === undefined) {
    throw new ImageCheckError('inventory root_ids lacks namespace ids')
  }
  if (record.namespaces) {
    const diff = nsDifference(rootNs, record.namespaces)
    if (diff) {
      throw new OriginError(
        `its ${diff} namespace id differs from the one recorded when it was frozen`,
        TAMPERED
      )
    }
  }
  const files = readEntries(join(dir, 'files.img'), FILES_MAGIC)
  const remapped = remappedIds(dir)
  const exes = new Map(record.tasks.map((t) => [t.pid, t.exe]))
  const live: PstreeEntry[] = []
  for (const t of tree) {
    const dead = t !== tree[0] && isDeadTask(dir, t.pid)
    const sets = readTaskNsStrict(dir, t.pid)
    if (sets.length === 0 && !dead) throw new ImageCheckError(`task ${t.pid} has no namespace ids`)
    for (const s of sets) {
      const diff = nsDifference(s, rootNs)
      if (diff) {
        throw new OriginError(
          `task ${t.pid} would be restored into another ${diff} namespace (a nested container or sandbox)`,
          TAMPERED
        )
      }
    }
    if (dead) continue
    live.push(t)
    const recorded = exes.get(t.pid)
    if (recorded === undefined) {
      throw new OriginError(
        `process ${t.pid} started after the checks ran, so its program could not be matched`,
        'Try again when the program is not starting new processes.'
      )
    }
    const exeId = readExeIdStrict(dir, t.pid)
    if (remapped.has(exeId)) throw exeMismatch(t.pid, recorded, '(a remapped file)')
    const name = regFileName(files, exeId)
    if (name !== recorded) throw exeMismatch(t.pid, recorded, name)
  }
  const labels = new Map(
    record.tasks.map((t) => [t.pid, t.lsm ?? { profile: null, sockcreate: null }])
  )
  const lsm = lsmRefusal(readImageLsm(dir, live), hostLsm(), labels)
  if (lsm) {
    throw new OriginError(
      lsm,
      'If the program changed its own security label while it was being frozen, try again; ' +
        'otherwise the process may be hostile or the image was altered. The snapshot cannot be used.'
    )
  }
  return rootNs
}
