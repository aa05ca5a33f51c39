/**
 * The helper's strict image reader and the §4.6 origin checks (exe link, namespaces, plugins,
 * namespace images) on crafted bytes: each malformed or hostile case is refused, the genuine
 * shape (as CRIU 4.2.1 writes it) is accepted.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import {
  foreignImage,
  nsDifference,
  readInventoryStrict,
  regFileName,
  verifyImageOrigin,
  type NsIds
} from '../../../electron/helper/image-origin'
import { fields, oneU32, splitEntries } from '../../../electron/core/images/strict-proto'
import { bfield, COMMON, image as buildImage, vfield } from '../images/image-bytes'

const MAGIC = {
  inventory: 0x58313116,
  core: 0x55053847,
  ids: 0x54432030,
  mm: 0x57492820,
  files: 0x56303138,
  remap: 0x59133954
}

const num = vfield
const msg = (no: number, body: number[] | string): number[] =>
  bfield(no, typeof body === 'string' ? [...Buffer.from(body)] : body)

/** An image file: common magic (or the inventory's single magic) and length-prefixed entries. */
const image = (magic: number, entries: number[][], single = false): Buffer =>
  Buffer.from(buildImage(magic, entries, single ? null : COMMON))

/** task_kobj_ids_entry as CRIU 4.2.1 writes it for a task in the host's namespaces. */
const HOST_NS: NsIds = { pid: 1, net: 2, ipc: 3, uts: 4, time: 5, mnt: 6, user: 7, cgroup: 8 }
const NS_NO = { pid: 5, net: 6, ipc: 7, uts: 8, mnt: 9, user: 10, cgroup: 11, time: 12 }
function ids(ns: NsIds, resources = 2): number[] {
  const out = [
    ...num(1, resources),
    ...num(2, resources),
    ...num(3, resources),
    ...num(4, resources)
  ]
  for (const [k, no] of Object.entries(NS_NO)) {
    const v = ns[k as keyof NsIds]
    if (v !== undefined) out.push(...num(no, v))
  }
  return out
}
const reg = (id: number, name: string, type = 1): number[] => [
  ...num(1, type),
  ...num(2, id),
  ...msg(3, [...num(1, id), ...msg(6, name)])
]

let dir: string
const PID = 4242
const TREE = [{ pid: PID, ppid: 0, threads: [PID] }]
const TASKS = [{ pid: PID, exe: '/usr/bin/counter' }]

/** Writes a genuine-shaped image set; `over` replaces files by name (null removes one). */
function write(over: Record<string, Buffer | null> = {}): void {
  const files: Record<string, Buffer | null> = {
    'inventory.img': image(
      MAGIC.inventory,
      [[...num(1, 2), ...msg(3, ids(HOST_NS, 1)), ...msg(12, []), ...msg(13, 'run-id')]],
      true
    ),
    [`core-${PID}.img`]: image(MAGIC.core, [num(1, 1)]),
    [`ids-${PID}.img`]: image(MAGIC.ids, [ids(HOST_NS)]),
    [`mm-${PID}.img`]: image(MAGIC.mm, [[...num(1, 4096), ...num(12, 1)]]),
    'files.img': image(MAGIC.files, [reg(1, '/usr/bin/counter'), reg(2, '/usr/lib/libc.so.6')]),
    'timens-0.img': image(0x43114433, [[]]),
    ...over
  }
  for (const [name, buf] of Object.entries(files)) {
    if (buf) writeFileSync(join(dir, name), buf)
    else rmSync(join(dir, name), { force: true })
  }
}

const verify = (record = { tasks: TASKS } as Parameters<typeof verifyImageOrigin>[2]): NsIds =>
  verifyImageOrigin(dir, TREE, record)

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'icebox-origin-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe('strict reader on crafted bytes', () => {
  it('reads a genuine entry', () => {
    const [e] = splitEntries(image(MAGIC.mm, [[...num(1, 7), ...num(12, 3)]]), MAGIC.mm, 'mm')
    expect(oneU32(fields(e as Uint8Array), 12)).toBe(3)
  })
  it('refuses a duplicate singular field (exe_file_id twice)', () => {
    const [e] = splitEntries(image(MAGIC.mm, [[...num(12, 1), ...num(12, 9)]]), MAGIC.mm, 'mm')
    expect(() => oneU32(fields(e as Uint8Array), 12)).toThrow(/appears 2 times/)
  })
  it('refuses a missing exe id', () => {
    const [e] = splitEntries(image(MAGIC.mm, [num(1, 7)]), MAGIC.mm, 'mm')
    expect(() => oneU32(fields(e as Uint8Array), 12)).toThrow(/appears 0 times/)
  })
  it.each([
    ['an entry longer than the file', image(MAGIC.mm, [num(12, 1)]).subarray(0, 13), /overruns/],
    ['a cut entry size', Buffer.concat([image(MAGIC.mm, []), Buffer.from([1, 0])]), /truncated/],
    ['a cut varint', image(MAGIC.mm, [[0x60, 0x80]]), /truncated varint/],
    ['a field longer than its entry', image(MAGIC.mm, [[0x62, 0x10, 1]]), /overruns/],
    ['a group (wire type 3)', image(MAGIC.mm, [[0x63]]), /wire type 3/],
    ['the wrong magic', image(MAGIC.core, [num(12, 1)]), /wrong magic/]
  ])('refuses %s', (_what, buf, re) => {
    expect(() => splitEntries(buf, MAGIC.mm, 'mm').forEach((e) => fields(e))).toThrow(re)
  })
})

describe('exe link (§8.36)', () => {
  it('accepts the genuine image and returns its namespace ids', () => {
    write()
    expect(verify()).toEqual(HOST_NS)
  })
  it('refuses an exe renamed to /usr/bin/sudo', () => {
    write({ 'files.img': image(MAGIC.files, [reg(1, '/usr/bin/sudo')]) })
    expect(() => verify()).toThrow(/ran \/usr\/bin\/counter .* program is \/usr\/bin\/sudo/)
  })
  it('refuses an mm without exe_file_id', () => {
    write({ [`mm-${PID}.img`]: image(MAGIC.mm, [num(1, 4096)]) })
    expect(() => verify()).toThrow(/field 12 appears 0 times/)
  })
  it('refuses an exe id that points at no file, or at two', () => {
    expect(() => regFileName([Uint8Array.from(reg(2, '/x'))], 1)).toThrow(/appears 0 times/)
    const two = [
      Uint8Array.from(reg(1, '/usr/bin/counter')),
      Uint8Array.from(reg(1, '/usr/bin/sudo'))
    ]
    expect(() => regFileName(two, 1)).toThrow(/appears 2 times/)
  })
  it('refuses an exe entry that is not a regular file, or whose two ids differ', () => {
    expect(() => regFileName([Uint8Array.from(reg(1, '/x', 5))], 1)).toThrow(/not a plain/)
    const mixed = [...num(1, 1), ...num(2, 1), ...msg(3, [...num(1, 9), ...msg(6, '/x')])]
    expect(() => regFileName([Uint8Array.from(mixed)], 1)).toThrow(/not a plain/)
  })
  it('refuses a remap of the exe and a legacy reg-files.img', () => {
    write({ 'remap-fpath.img': image(MAGIC.remap, [[...num(1, 1), ...num(2, 2)]]) })
    expect(() => verify()).toThrow(/remapped/)
    write({ 'remap-fpath.img': null, 'reg-files.img': image(0x50363636, []) })
    expect(() => verify()).toThrow(/reg-files\.img/)
  })
  it('refuses a process that was not checked before the dump', () => {
    write()
    expect(() => verify({ tasks: [] })).toThrow(/started after the checks/)
  })
  it('explains a program deleted after it started', () => {
    write()
    expect(() => verify({ tasks: [{ pid: PID, exe: '/usr/bin/counter (deleted)' }] })).toThrow(
      /deleted or replaced/
    )
  })
})

describe('plugins and namespaces (§8.38)', () => {
  it('refuses a non-empty plugins entry', () => {
    write({
      'inventory.img': image(
        MAGIC.inventory,
        [[...num(1, 2), ...msg(3, ids(HOST_NS, 1)), ...msg(12, msg(12, 'amdgpu_plugin'))]],
        true
      )
    })
    expect(() => readInventoryStrict(dir)).toThrow(/plugins/)
  })
  it('refuses a second plugins entry or a second root_ids', () => {
    const dup = (extra: number[]): Buffer =>
      image(MAGIC.inventory, [[...num(1, 2), ...msg(3, ids(HOST_NS, 1)), ...extra]], true)
    write({ 'inventory.img': dup([...msg(12, []), ...msg(12, [])]) })
    expect(() => readInventoryStrict(dir)).toThrow(/appears 2 times/)
    write({ 'inventory.img': dup(msg(3, ids(HOST_NS, 1))) })
    expect(() => readInventoryStrict(dir)).toThrow(/appears 2 times/)
  })
  it.each(['net', 'user', 'mnt', 'pid'] as const)(
    'refuses a task in another %s namespace (ids-PID.img)',
    (ns) => {
      write({ [`ids-${PID}.img`]: image(MAGIC.ids, [ids({ ...HOST_NS, [ns]: 99 })]) })
      expect(() => verify()).toThrow(new RegExp(`another ${ns} namespace`))
    }
  )
  it('refuses a task whose core ids differ even when ids-PID.img is genuine', () => {
    write({
      [`core-${PID}.img`]: image(MAGIC.core, [
        [...num(1, 1), ...msg(4, ids({ ...HOST_NS, user: 9 }))]
      ])
    })
    expect(() => verify()).toThrow(/another user namespace/)
  })
  it('refuses a live task with no namespace ids at all', () => {
    write({ [`ids-${PID}.img`]: null })
    expect(() => verify()).toThrow(/no namespace ids/)
  })
  it('refuses namespace ids that differ from the ones recorded at dump time', () => {
    write()
    expect(() => verify({ tasks: TASKS, namespaces: { ...HOST_NS, net: 3 } })).toThrow(
      /net namespace id differs/
    )
    expect(verify({ tasks: TASKS, namespaces: HOST_NS })).toEqual(HOST_NS)
  })
  it('refuses namespace images a single-namespace dump never writes', () => {
    const genuine = ['core-1.img', 'ids-1.img', 'inventory.img', 'timens-0.img', 'files.img']
    expect(foreignImage(genuine)).toBeNull()
    for (const name of [
      'netns-9.img',
      'mountpoints-12.img',
      'utsns-3.img',
      'ipcns-var-3.img',
      'userns-7.img',
      'timens-1.img',
      'tmpfs-dev-40.tar.gz.img'
    ]) {
      expect(foreignImage([...genuine, name])).toMatch(name)
    }
    write({ 'netns-10.img': image(0x55933752, []) })
    expect(() => verify()).toThrow(/netns-10\.img/)
  })
  it('compares every namespace kind', () => {
    expect(nsDifference(HOST_NS, { ...HOST_NS })).toBeNull()
    expect(nsDifference(HOST_NS, { ...HOST_NS, time: undefined })).toBe('time')
  })
})
