import { describe, expect, it } from 'vitest'

import { ImageError } from '../../../electron/core/images/errors'
import { readImageFile } from '../../../electron/core/images/read-image'
import { bfield, image, MAGIC, SERVICE, u32le, vfield } from './image-bytes'

/** Runs fn and returns the ImageError it throws (fails the test otherwise). */
function imageError(fn: () => unknown): ImageError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(ImageError)
    return err as ImageError
  }
  throw new Error('expected an ImageError')
}

describe('readImageFile framing', () => {
  it('reads a pstree with unpacked and packed repeated threads', () => {
    const unpacked = [...vfield(1, 100), ...vfield(2, 0), ...vfield(5, 100), ...vfield(5, 101)]
    const packed = [...vfield(1, 102), ...vfield(2, 100), ...bfield(5, [102, 103])]
    const file = readImageFile(image(MAGIC.PSTREE, [unpacked, packed]), 'pstree.img')
    expect(file.type).toBe('PSTREE')
    expect(file.entries).toEqual([
      { pid: 100, ppid: 0, threads: [100, 101] },
      { pid: 102, ppid: 100, threads: [102, 103] }
    ])
    expect(file.offsets).toEqual([12, 12 + unpacked.length + 4])
  })

  it('reads inventory.img without a head magic', () => {
    const file = readImageFile(image(MAGIC.INVENTORY, [vfield(1, 2)], null), 'inventory.img')
    expect(file).toMatchObject({ type: 'INVENTORY', entries: [{ img_version: 2 }] })
  })

  it('reads service images (stats-dump) and a zero-size entry', () => {
    const file = readImageFile(image(MAGIC.STATS, [[]], SERVICE), 'stats-dump')
    expect(file).toMatchObject({ type: 'STATS', entries: [{}] })
  })

  it('keeps uint64 beyond 2^53 exact, as decimal strings', () => {
    const vaddr = 0xffffffffff600000n
    const msg = [...vfield(1, vaddr), ...vfield(2, 0), ...vfield(4, 4), ...vfield(5, 1)]
    const file = readImageFile(image(MAGIC.PAGEMAP, [vfield(1, 7), msg]), 'pagemap-1.img')
    expect(file.entries[0]).toEqual({ pages_id: 7 })
    expect(file.entries[1]).toMatchObject({ vaddr: vaddr.toString(), nr_pages: '1', flags: 4 })
  })

  it('skips unknown fields and keeps unknown enum values as numbers', () => {
    // file_entry: type 999 (no such fd type), unknown varint and bytes fields, then id 5.
    const msg = [...vfield(1, 999), ...vfield(99, 5), ...bfield(77, [1, 2, 3]), ...vfield(2, 5)]
    const file = readImageFile(image(MAGIC.FILES, [msg]), 'files.img')
    expect(file.entries[0]).toEqual({ type: 999, id: 5 })
  })

  it('a known field with the wrong wire type is damage', () => {
    // file_entry.reg (field 3, a message) written as a varint.
    const e = imageError(() => readImageFile(image(MAGIC.FILES, [vfield(3, 1)]), 'files.img'))
    expect(e.reason).toMatch(/field reg: wire type 0, expected 2/)
  })

  it('sizes raw payloads after pipes-data, tcp-stream and ghost-file messages', () => {
    const pipes = readImageFile(
      image(MAGIC.PIPES_DATA, [{ msg: [...vfield(1, 9), ...vfield(2, 3)], extra: [1, 2, 3] }]),
      'pipes-data.img'
    )
    expect(pipes.extras).toEqual([{ entry: 0, offset: 12 + 4, length: 3 }])
    const tcp = readImageFile(
      image(MAGIC.TCP_STREAM, [
        { msg: [...vfield(1, 2), ...vfield(3, 1)], extra: [0x61, 0x62, 0x63] }
      ]),
      'tcp-stream-1.img'
    )
    expect(tcp.extras[0]!.length).toBe(3)
    const ghost = readImageFile(
      image(MAGIC.GHOST_FILE, [{ msg: vfield(3, 0o100644), extra: [1, 2, 3, 4, 5] }]),
      'ghost-file-1.img'
    )
    expect(ghost.extras).toEqual([{ entry: 0, offset: 12 + 4, length: 5 }])
  })

  it('reads chunked ghost files', () => {
    const head = [...vfield(3, 0o100644), ...vfield(9, 1)]
    const chunk = [...vfield(1, 2), ...vfield(2, 4096)]
    const file = readImageFile(
      image(MAGIC.GHOST_FILE, [head, { msg: chunk, extra: [7, 7] }]),
      'ghost-file-2.img'
    )
    expect(file.entries[1]).toEqual({ len: '2', off: '4096' })
    expect(file.extras).toEqual([
      { entry: 1, offset: 12 + head.length + 4 + chunk.length, length: 2 }
    ])
  })

  it('checks framing of types it does not decode; leaves opaque types unwalked', () => {
    const cpu = readImageFile(image(MAGIC.CPUINFO, [[1, 2, 3]]), 'cpuinfo.img')
    expect(cpu).toMatchObject({ type: 'CPUINFO', undecoded: true, entries: [{}] })
    const shm = readImageFile(image(MAGIC.IPCNS_SHM, [[1, 2, 3]]), 'ipcns-shm-1.img')
    expect(shm).toMatchObject({ undecoded: true, entries: [] })
  })
})

describe('readImageFile rejects damage with the file and the offset', () => {
  it('empty and short files', () => {
    expect(imageError(() => readImageFile(new Uint8Array(0), 'core-1.img'))).toMatchObject({
      file: 'core-1.img',
      offset: 0
    })
    const e = imageError(() => readImageFile(Uint8Array.from(u32le(0x54564319)), 'core-1.img'))
    expect(e.offset).toBe(4)
  })

  it('unknown head and type magics; big-endian images', () => {
    expect(imageError(() => readImageFile(Uint8Array.from([1, 2, 3, 4]), 'x.img')).reason).toMatch(
      /unknown head magic 0x04030201/
    )
    const e = imageError(() => readImageFile(image(0x12345678, []), 'x.img'))
    expect([e.offset, e.reason]).toEqual([4, 'unknown image magic 0x12345678'])
    const be = Uint8Array.from([0x54, 0x56, 0x43, 0x19, 0, 0, 0, 0])
    expect(imageError(() => readImageFile(be, 'x.img')).reason).toMatch(/big-endian/)
  })

  it('a file ending inside a size word', () => {
    const buf = Uint8Array.from([...image(MAGIC.PSTREE, []), 5, 0])
    expect(imageError(() => readImageFile(buf, 'pstree.img'))).toMatchObject({ offset: 8 })
  })

  it('a size word past the end of the file', () => {
    const buf = Uint8Array.from([...image(MAGIC.PSTREE, []), ...u32le(10), 8, 1])
    const e = imageError(() => readImageFile(buf, 'pstree.img'))
    expect(e.offset).toBe(8)
    expect(e.reason).toMatch(/runs past the end/)
  })

  it('a 4 GiB size word is refused without allocating', () => {
    const buf = Uint8Array.from([...image(MAGIC.PSTREE, []), ...u32le(0xffffffff)])
    const before = process.memoryUsage().arrayBuffers
    const e = imageError(() => readImageFile(buf, 'pstree.img'))
    expect(e.reason).toMatch(/larger than the 16777216-byte cap/)
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1 << 20)
  })

  it('a custom entry cap', () => {
    const buf = image(MAGIC.PSTREE, [vfield(1, 1)])
    expect(imageError(() => readImageFile(buf, 'pstree.img', { entryCap: 1 })).offset).toBe(8)
  })

  it('a payload longer than the file', () => {
    const buf = image(MAGIC.PIPES_DATA, [{ msg: [...vfield(1, 9), ...vfield(2, 100)], extra: [1] }])
    const e = imageError(() => readImageFile(buf, 'pipes-data.img'))
    expect(e.reason).toMatch(/payload of 100 bytes/)
  })

  it('malformed protobuf: the offset is the start of the message', () => {
    // Field 1 with wire type 7 (invalid).
    const buf = image(MAGIC.PSTREE, [vfield(1, 1), [0x0f, 0x01]])
    const e = imageError(() => readImageFile(buf, 'pstree.img'))
    expect(e.offset).toBe(8 + 4 + 2 + 4)
    expect(e.reason).toMatch(/bad pstree_entry message/)
  })

  it('a length-delimited field longer than its message', () => {
    const buf = image(MAGIC.CORE, [[0x1a, 0x7f, 0x08]])
    expect(imageError(() => readImageFile(buf, 'core-1.img')).offset).toBe(12)
  })

  it('deeply nested unknown messages are skipped whole, without recursion', () => {
    // Unknown field 15 holding a message holding a message… 5000 levels deep.
    let nested: number[] = []
    for (let i = 0; i < 5000; i++) nested = [0x7a, ...lenOf(nested.length), ...nested]
    const buf = image(MAGIC.CORE, [[...vfield(1, 1), ...bfield(15, nested)]])
    const started = performance.now()
    expect(readImageFile(buf, 'core-1.img').entries[0]).toEqual({ mtype: 1 })
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('deep nesting inside a known message is refused at the recursion limit', () => {
    // core_entry.tc (field 3) whose bytes are start-group tags nested 100000 deep.
    const groups = new Array(100_000).fill(0x7b)
    const e = imageError(() => readImageFile(image(MAGIC.CORE, [bfield(3, groups)]), 'core-1.img'))
    expect(e.offset).toBe(12)
  })

  it('deeply nested start-group tags are refused', () => {
    const groups = new Array(100_000).fill(0x7b) // field 15, wire type 3 (start group)
    const buf = image(MAGIC.CORE, [groups])
    const e = imageError(() => readImageFile(buf, 'core-1.img'))
    expect(e.offset).toBe(12)
  })
})

function lenOf(n: number): number[] {
  const out: number[] = []
  do {
    let b = n & 0x7f
    n >>>= 7
    if (n) b |= 0x80
    out.push(b)
  } while (n)
  return out
}

describe('readImageFile field projection', () => {
  it('decodes only the named fields of each entry, and the head whole', () => {
    const entry = [...vfield(1, 0x7f0000000000n), ...vfield(2, 0), ...vfield(4, 6), ...vfield(5, 3)]
    const buf = image(MAGIC.PAGEMAP, [vfield(1, 2), entry, entry])
    const file = readImageFile(buf, 'pagemap-1.img', { fields: ['flags', 'nr_pages'] })
    expect(file.entries).toEqual([
      { pages_id: 2 },
      { flags: 6, nr_pages: '3' },
      { flags: 6, nr_pages: '3' }
    ])
    // Skipped fields are still walked: damage inside them is still found.
    const bad = image(MAGIC.PAGEMAP, [vfield(1, 2), [0x08, 0xff]])
    expect(
      imageError(() => readImageFile(bad, 'pagemap-1.img', { fields: ['flags'] })).offset
    ).toBe(8 + 4 + 2 + 4)
  })
})
