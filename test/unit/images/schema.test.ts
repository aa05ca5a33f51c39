/**
 * The run-time decoder walks generated field tables with protobufjs's Reader. These tests pin
 * it to protobufjs itself: the tables equal what protobufjs's parser makes of criu.proto, and
 * every message of a real dump decodes to the same object with both decoders.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

import protobuf from 'protobufjs'
import { describe, expect, it } from 'vitest'

import { MESSAGE_FOR_TYPE } from '../../../electron/core/images/magic'
import { CRIU_PROTO } from '../../../electron/core/images/proto/criu-proto'
import { CRIU_SCHEMA } from '../../../electron/core/images/proto/criu-schema'
import { readImageFile } from '../../../electron/core/images/read-image'

const PROTO_DIR = join(import.meta.dirname, '../../../electron/core/images/proto')
const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'images', 'tree')
const STALE = 'stale: run `node electron/core/images/proto/generate.mjs`'

const root = protobuf.parse(CRIU_PROTO, { keepCase: true }).root

describe('generated schema files', () => {
  it('criu-proto.ts holds exactly criu.proto', () => {
    expect(CRIU_PROTO, STALE).toBe(readFileSync(join(PROTO_DIR, 'criu.proto'), 'utf8'))
  })

  it('criu-schema.ts equals protobufjs reflection of criu.proto', () => {
    const ns = root.lookup('icebox.criu') as protobuf.Namespace
    const tables: Record<string, unknown[]> = {}
    for (const t of ns.nestedArray) {
      if (!(t instanceof protobuf.Type)) continue
      tables[t.name] = t.fieldsArray
        .map((f) => [f.id, f.name, f.type, f.repeated ? 1 : 0])
        .sort((a, b) => (a[0] as number) - (b[0] as number))
    }
    expect(CRIU_SCHEMA, STALE).toEqual(tables)
  })
})

describe('our decoder equals protobufjs on a real dump', () => {
  const plain = (v: unknown): unknown =>
    JSON.parse(
      JSON.stringify(v, (_k, x: unknown) =>
        x instanceof Uint8Array ? Buffer.from(x).toString('hex') : x
      )
    )

  for (const name of readdirSync(FIXTURE).sort()) {
    it(name, () => {
      const bytes = new Uint8Array(readFileSync(join(FIXTURE, name)))
      const file = readImageFile(bytes, name)
      if (file.undecoded) return
      file.entries.forEach((entry, i) => {
        let typeName = MESSAGE_FOR_TYPE[file.type]!
        if (file.type === 'PAGEMAP' && i === 0) typeName = 'pagemap_head'
        if (file.type === 'GHOST_FILE' && i > 0) typeName = 'ghost_chunk_entry'
        const type = root.lookupType(`icebox.criu.${typeName}`)
        const at = file.offsets[i]!
        const size = new DataView(bytes.buffer).getUint32(at - 4, true)
        const theirs = type.toObject(type.decode(bytes.subarray(at, at + size)), {
          longs: String,
          enums: Number
        })
        expect(plain(entry)).toEqual(plain(theirs))
      })
    })
  }
})
