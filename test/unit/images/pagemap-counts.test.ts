import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

import { countPages, readPagemapCounts } from '../../../electron/core/images/memory'
import { readImageFile } from '../../../electron/core/images/read-image'
import { image, MAGIC, vfield } from './image-bytes'

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'images', 'tree')

/** Page counts by the generic decoder and by the tight pagemap loop. */
function both(buf: Uint8Array, name: string): [unknown, unknown] {
  return [
    countPages(readImageFile(buf, name)),
    countPages(readImageFile(buf, name, { readEntry: readPagemapCounts }))
  ]
}

describe('readPagemapCounts agrees with the generic decoder', () => {
  for (const name of readdirSync(FIXTURE).filter((n) => n.startsWith('pagemap-'))) {
    it(name, () => {
      const [generic, fast] = both(new Uint8Array(readFileSync(join(FIXTURE, name))), name)
      expect(fast).toEqual(generic)
      expect((fast as { present: number }).present).toBeGreaterThan(0)
    })
  }

  it('on CRIU 3.x/4.1 entries (field 2, in_parent, no flags) and lazy pages', () => {
    const entries = [
      [...vfield(1, 0x1000), ...vfield(2, 3)], // old: 3 present pages
      [...vfield(1, 0x9000), ...vfield(2, 2), ...vfield(3, 1)], // old: 2 pages in the parent
      [...vfield(1, 0x20000), ...vfield(2, 0), ...vfield(4, 2), ...vfield(5, 5)], // 5 lazy
      [...vfield(1, 0xffffffffff600000n), ...vfield(2, 0), ...vfield(4, 6), ...vfield(5, 1n << 40n)]
    ]
    const buf = image(MAGIC.PAGEMAP, [vfield(1, 4), ...entries])
    const [generic, fast] = both(buf, 'pagemap-9.img')
    expect(fast).toEqual(generic)
    expect(fast).toEqual({ present: 3 + 2 ** 40, inParent: 2, lazy: 5, pagesId: 4 })
  })

  it('reports damage inside an entry with the entry offset', () => {
    const buf = image(MAGIC.PAGEMAP, [vfield(1, 4), [0x28, 0xff]])
    expect(() => readImageFile(buf, 'pagemap-9.img', { readEntry: readPagemapCounts })).toThrow(
      expect.objectContaining({ file: 'pagemap-9.img', offset: 8 + 4 + 2 + 4 })
    )
  })
})
