/**
 * A process in its own cgroup and time namespaces (unshare -C -T): the snapshot has cgroup.img and
 * timens-<id>.img, and the view names the namespaces in which the process differs from CRIU —
 * checked against crit's reading of ids-PID.img and inventory.img.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { SnapshotView } from '../../../electron/common/snapshot-view'
import { readSnapshotView } from '../../../electron/core/images/read-snapshot-view'
import { start, workloadPath, type Workload } from '../../support/workloads'
import { critShow, criuDump } from './criu-helpers'

let work: string
let unshare: Workload
let pid: number
let view: SnapshotView

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'icebox-ns-'))
  // images-hog with 1 MiB: a session leader with /dev/null on stdio, in new cgroup + time ns.
  unshare = await start('unshare', ['-C', '-T', '--fork', workloadPath('images-hog'), '1'])
  pid = Number(/ready (\d+)/.exec(unshare.lines[0] ?? '')?.[1])
  await criuDump(pid, work)
  view = readSnapshotView(work)
})

afterAll(async () => {
  await unshare?.stop()
  if (work) rmSync(work, { recursive: true, force: true })
})

describe('namespaces', () => {
  it('reports cgroup and timens images as present', () => {
    expect(view.status).toBe('ok')
    expect(view.features.cgroup).toBe(existsSync(join(work, 'cgroup.img')))
    expect(view.features.cgroup).toBe(true)
    expect(view.features.timens).toBe(readdirSync(work).some((n) => /^timens-\d+\.img$/.test(n)))
    expect(view.features.timens).toBe(true)
  })

  it('names the namespaces that differ from CRIU, as crit reads them', async () => {
    const ids = (await critShow(join(work, `ids-${pid}.img`))).entries[0]
    const root = (await critShow(join(work, 'inventory.img'))).entries[0].root_ids
    const kinds = ['pid', 'net', 'mnt', 'ipc', 'uts', 'user', 'cgroup', 'time']
    const expected = kinds.filter(
      (k) => ids[`${k}_ns_id`] !== undefined && ids[`${k}_ns_id`] !== root[`${k}_ns_id`]
    )
    expect(view.processes[0]!.namespaces).toEqual(expected)
    expect(expected).toEqual(['cgroup', 'time'])
  })
})
