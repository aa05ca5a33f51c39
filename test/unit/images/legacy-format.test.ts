/**
 * Older CRIU image sets (docs/criu-image-format.md §5): the fixture dump rewritten the way CRIU
 * 3.x wrote it — per-type file images instead of files.img, pagemap page counts in field 2 with no
 * flags — must give the same view. Also: CRIU 4.2's guard VMAs are not counted as mappings.
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import protobuf from 'protobufjs'
import { afterAll, describe, expect, it } from 'vitest'

import type { SnapshotFd } from '../../../electron/common/snapshot-view'
import { readImage } from '../../../electron/core/images/image-dir'
import { CRIU_PROTO } from '../../../electron/core/images/proto/criu-proto'
import { readSnapshotView } from '../../../electron/core/images/read-snapshot-view'

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'images', 'tree')
const root = protobuf.parse(CRIU_PROTO, { keepCase: true }).root
const temps: string[] = []
afterAll(() => temps.forEach((t) => rmSync(t, { recursive: true, force: true })))

function u32(n: number): Buffer {
  const b = Buffer.alloc(4)
  b.writeUInt32LE(n >>> 0)
  return b
}

/** Encodes entries of `type` as a whole image with the common head magic. */
function writeImage(path: string, magic: number, type: string, entries: object[]): void {
  const t = root.lookupType(`icebox.criu.${type}`)
  const parts = [u32(0x54564319), u32(magic)]
  for (const e of entries) {
    const msg = Buffer.from(t.encode(t.fromObject(e)).finish())
    parts.push(u32(msg.length), msg)
  }
  writeFileSync(path, Buffer.concat(parts))
}

const LEGACY: Array<[string, string, number, string]> = [
  // [file_entry key, image name, magic, message]
  ['reg', 'reg-files.img', 0x50363636, 'reg_file_entry'],
  ['pipe', 'pipes.img', 0x56513555, 'pipe_entry'],
  ['usk', 'unixsk.img', 0x54373943, 'unix_sk_entry'],
  ['isk', 'inetsk.img', 0x56443851, 'inet_sk_entry'],
  ['efd', 'eventfd.img', 0x44523722, 'eventfd_file_entry'],
  ['epfd', 'eventpoll.img', 0x45023858, 'eventpoll_file_entry'],
  ['ify', 'inotify.img', 0x48424431, 'inotify_file_entry'],
  ['sgfd', 'signalfd.img', 0x57323820, 'signalfd_entry'],
  ['tty', 'tty.img', 0x59433025, 'tty_file_entry'],
  ['tfd', 'timerfd.img', 0x50493712, 'timerfd_entry']
]

function makeLegacyCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'icebox-legacy-'))
  temps.push(dir)
  for (const f of readdirSync(FIXTURE)) copyFileSync(join(FIXTURE, f), join(dir, f))
  const files = readImage(dir, 'files.img').entries
  for (const [key, name, magic, type] of LEGACY) {
    writeImage(
      join(dir, name),
      magic,
      type,
      files.filter((e) => e[key]).map((e) => e[key] as object)
    )
  }
  unlinkSync(join(dir, 'files.img'))
  for (const name of readdirSync(dir).filter((n) => /^pagemap-\d+\.img$/.test(n))) {
    const [head, ...entries] = readImage(dir, name).entries
    const t = root.lookupType('icebox.criu.pagemap_entry')
    const parts = [u32(0x54564319), u32(0x56084025)]
    const h = Buffer.from(root.lookupType('icebox.criu.pagemap_head').encode(head!).finish())
    parts.push(u32(h.length), h)
    for (const e of entries) {
      // CRIU < 3.5: no flags; CRIU < 4.2: the page count in field 2.
      const old = { vaddr: e.vaddr, compat_nr_pages: Number(e.nr_pages) }
      const msg = Buffer.from(t.encode(t.fromObject(old)).finish())
      parts.push(u32(msg.length), msg)
    }
    writeFileSync(join(dir, name), Buffer.concat(parts))
  }
  return dir
}

/** memfd fds are left out: no legacy image could hold them. */
const comparable = (fds: SnapshotFd[], memfdIds: Set<number>): SnapshotFd[] =>
  fds.filter((f) => !memfdIds.has(f.fileId))

describe('CRIU 3.x image layout', () => {
  const modern = readSnapshotView(FIXTURE, { restoreChecks: false })
  const legacy = readSnapshotView(makeLegacyCopy(), { restoreChecks: false })

  it('decodes without damage', () => {
    expect(legacy.damage).toBeNull()
  })

  it('gives the same fd tables from the per-type images (memfd did not exist then)', () => {
    for (const [i, p] of modern.processes.entries()) {
      const memfd = new Set(p.fds.filter((f) => f.kind === 'memfd').map((f) => f.fileId))
      const rest = comparable(legacy.processes[i]!.fds, memfd)
      expect(rest).toEqual(comparable(p.fds, memfd))
      if (memfd.size > 0) expect(rest.length).toBeGreaterThan(10)
      expect(legacy.processes[i]!.cwd).toBe(p.cwd)
    }
  })

  it('counts pages from field 2 with no flags as present', () => {
    for (const [i, p] of modern.processes.entries()) {
      expect(legacy.processes[i]!.memory).toEqual(p.memory)
    }
    expect(legacy.totals.pagesPresent).toBe(modern.totals.pagesPresent)
  })
})

describe('CRIU 4.2 guard VMAs', () => {
  it('are appended after the sorted list and not counted as mappings', () => {
    const mm = readImage(FIXTURE, 'mm-21410.img').entries[0]!
    const vmas = mm.vmas as Array<Record<string, unknown>>
    const guards = vmas.filter((v) => ((v.status as number) & 0x10000) !== 0)
    const view = readSnapshotView(FIXTURE, { restoreChecks: false })
    expect(view.processes[0]!.memory!.vmaCount).toBe(vmas.length - guards.length)
    if (guards.length > 0) expect(vmas.at(-1)!.status).toBe(0x10000)
  })
})
