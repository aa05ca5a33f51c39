import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import type { ProcessRow } from '../../../electron/common/api-types'
import {
  packForWire,
  packRows,
  unpackFromWire,
  unpackRows
} from '../../../electron/common/row-codec'
import { syntheticRows } from '../../e2e/support/fake-handlers'

/** Through JSON, as over the WebSocket. */
const wire = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T

const rowArb: fc.Arbitrary<ProcessRow> = fc.record({
  pid: fc.nat(),
  ppid: fc.nat(),
  name: fc.string(),
  command: fc.string(),
  user: fc.string(),
  uid: fc.nat(),
  state: fc.constantFrom('R', 'S', 'D', 'Z', '?'),
  startTime: fc.string(),
  startTicks: fc.nat(),
  rssBytes: fc.nat(),
  threads: fc.nat(),
  kernelThread: fc.boolean(),
  counts: fc.record({
    files: fc.nat(),
    pipes: fc.nat(),
    sockets: fc.nat(),
    locks: fc.nat(),
    devices: fc.nat()
  }),
  verdict: fc.constantFrom('freezable', 'needs-options', 'blocked'),
  findingIds: fc.array(fc.constantFrom('tty', 'tcp-established', 'device')),
  reasons: fc.array(fc.string())
}) as fc.Arbitrary<ProcessRow>

describe('process rows on the wire', () => {
  it('gives back every row as it was', () => {
    const rows = syntheticRows(300)
    expect(unpackRows(wire(packRows(rows)))).toEqual(rows)
    fc.assert(
      fc.property(fc.array(rowArb), (rs) => {
        expect(unpackRows(wire(packRows(rs)))).toEqual(rs)
      })
    )
  })

  it('is much smaller than the rows as objects', () => {
    const rows = syntheticRows(5000)
    expect(JSON.stringify(packRows(rows)).length).toBeLessThan(JSON.stringify(rows).length / 2)
  })

  it('packs only the row lists of processes.list and processes.changed', () => {
    const list = { takenAt: 't', durationMs: 1, selfPid: 1, uid: 0, rows: syntheticRows(5) }
    const packedList = wire(packForWire('processes.list', list))
    expect(JSON.stringify(packedList)).not.toContain('"pid"')
    expect(unpackFromWire('processes.list', packedList)).toEqual(list)
    const changes = { takenAt: 't', since: 's', upserted: syntheticRows(3), removed: [9] }
    expect(
      unpackFromWire('processes.changed', wire(packForWire('processes.changed', changes)))
    ).toEqual(changes)
    const details = { row: syntheticRows(1)[0], tree: syntheticRows(2) }
    expect(packForWire('processes.inspect', details)).toBe(details)
    expect(unpackFromWire('processes.inspect', details)).toBe(details)
    expect(packForWire('processes.list', null)).toBeNull()
  })
})
