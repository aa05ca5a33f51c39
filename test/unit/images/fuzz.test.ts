/**
 * Fuzzing with fast-check: real images from the fixture dump, mutated (truncated, bytes changed,
 * huge size words, spliced garbage). Every outcome must be a decoded file or an ImageError —
 * never another exception, a hang or a large allocation.
 */
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  copyFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'

import { ImageError } from '../../../electron/core/images/errors'
import { readImageFile } from '../../../electron/core/images/read-image'
import { readSnapshotView } from '../../../electron/core/images/read-snapshot-view'

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'images', 'tree')
const NAMES = readdirSync(FIXTURE).sort()
const FILES = new Map(NAMES.map((n) => [n, new Uint8Array(readFileSync(join(FIXTURE, n)))]))

type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'u32'; at: number; value: number }
  | { kind: 'splice'; at: number; bytes: Uint8Array }

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('set' as const),
    at: fc.nat(),
    value: fc.integer({ min: 0, max: 255 })
  }),
  fc.record({
    kind: fc.constant('u32' as const),
    at: fc.nat(),
    value: fc.oneof(
      fc.constantFrom(0xffffffff, 0x80000000, 0x7fffffff, 0x01000001, 0),
      fc.integer({ min: 0, max: 0xffffffff })
    )
  }),
  fc.record({
    kind: fc.constant('splice' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ maxLength: 64 })
  })
)

function mutate(src: Uint8Array, muts: Mutation[]): Uint8Array {
  let buf = Uint8Array.from(src)
  for (const m of muts) {
    const at = buf.length === 0 ? 0 : m.at % (buf.length + 1)
    if (m.kind === 'truncate') buf = buf.subarray(0, at)
    else if (m.kind === 'set' && at < buf.length) buf[at] = m.value
    else if (m.kind === 'u32' && at + 4 <= buf.length) {
      new DataView(buf.buffer, buf.byteOffset).setUint32(at, m.value, true)
    } else if (m.kind === 'splice') {
      const out = new Uint8Array(buf.length + m.bytes.length)
      out.set(buf.subarray(0, at))
      out.set(m.bytes, at)
      out.set(buf.subarray(at), at + m.bytes.length)
      buf = out
    }
  }
  return buf
}

const temps: string[] = []
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true })
})

describe('fuzz: mutated real images', () => {
  it('readImageFile returns or throws ImageError, quickly, without big allocations', () => {
    const before = process.memoryUsage()
    fc.assert(
      fc.property(
        fc.constantFrom(...NAMES),
        fc.array(mutation, { minLength: 1, maxLength: 6 }),
        (name, muts) => {
          const buf = mutate(FILES.get(name)!, muts)
          const started = performance.now()
          try {
            readImageFile(buf, name)
          } catch (err) {
            if (!(err instanceof ImageError)) throw err
            expect(err.file).toBe(name)
            expect(err.offset).toBeGreaterThanOrEqual(0)
            expect(err.offset).toBeLessThanOrEqual(buf.length)
          }
          expect(performance.now() - started).toBeLessThan(500)
        }
      ),
      { numRuns: 3000, seed: 4242 }
    )
    const after = process.memoryUsage()
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(64 << 20)
    expect(after.heapUsed - before.heapUsed).toBeLessThan(256 << 20)
  }, 60_000)

  it('readSnapshotView of a damaged directory never throws and names the damaged file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'icebox-fuzz-'))
    temps.push(dir)
    for (const n of NAMES) copyFileSync(join(FIXTURE, n), join(dir, n))
    fc.assert(
      fc.property(
        fc.constantFrom(...NAMES),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (name, muts) => {
          const original = FILES.get(name)!
          writeFileSync(join(dir, name), mutate(original, muts))
          try {
            const view = readSnapshotView(dir, { restoreChecks: false })
            if (view.status === 'damaged') {
              // A typed ImageError (file + offset), not a bug in our own code.
              expect(view.damage!.file, view.damage!.message).not.toBe('')
            }
            JSON.stringify(view)
          } finally {
            writeFileSync(join(dir, name), original)
          }
        }
      ),
      { numRuns: 400, seed: 777 }
    )
  }, 60_000)
})
