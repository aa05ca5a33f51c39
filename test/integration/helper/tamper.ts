/**
 * Tampered copies of a genuine snapshot for the §4.6 tests: a root-side copy under a new id with
 * one image edited through `crit decode` / `crit encode`, and a restore that must be refused
 * before CRIU runs.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import { expect } from 'vitest'

import { waitForPidGone } from '../../support/workloads'
import { TEST_USER } from '../../support/polkit'
import { dumpRequest, helperAsRoot, snapshotDir, startCounterAs } from './support'

/** A genuine snapshot of the test user's counter (the process is gone, its pid free). */
export interface BaseSnapshot {
  uid: number
  id: string
  pid: number
}

/** Freezes a fresh counter of the test user through the helper (not kept running). */
export async function freezeBase(uid: number, dir: string): Promise<BaseSnapshot> {
  const c = await startCounterAs(TEST_USER, dir)
  const r = helperAsRoot(['dump'], dumpRequest(c.pid, c.startTicks), { uid })
  if (!r.json.ok) throw new Error(r.stdout)
  await c.runuser.stop()
  await waitForPidGone(c.pid)
  return { uid, id: String(r.json.result?.id), pid: c.pid }
}

/**
 * Copies `base` under a new id with `image` edited: `py` is Python run on the decoded JSON `d`
 * (with `arg`), so uint64 values survive (JavaScript numbers would round them). With `add` the
 * result is written as a new image of that name (listed in the manifest) instead. With
 * `fixHashes` the manifest's size and sha256 are forged too.
 */
export function tamperedWith(
  base: BaseSnapshot,
  image: string,
  py: string,
  arg: unknown,
  fixHashes: boolean,
  add?: string
): string {
  const id = crypto.randomUUID()
  const dst = snapshotDir(base.uid, id)
  execFileSync('cp', ['-a', snapshotDir(base.uid, base.id), dst])
  const m = JSON.parse(readFileSync(join(dst, 'manifest.json'), 'utf8')) as {
    id: string
    helper: { files: { name: string; size: number; sha256?: string }[] }
  }
  m.id = id
  const json = join(mkdtempSync('/tmp/icebox-crit-'), 'image.json')
  execFileSync('crit', ['decode', '-i', join(dst, image), '-o', json])
  execFileSync('python3', [
    '-c',
    'import json,sys; p=sys.argv[1]; d=json.load(open(p)); arg=json.loads(sys.argv[2])\n' +
      `${py}\njson.dump(d, open(p, 'w'))`,
    json,
    JSON.stringify(arg)
  ])
  const out = add ?? image
  execFileSync('crit', ['encode', '-i', json, '-o', join(dst, out)])
  if (add) m.helper.files.push({ name: add, size: 0 })
  if (fixHashes) {
    const f = m.helper.files.find((x) => x.name === out)!
    const buf = readFileSync(join(dst, out))
    f.size = buf.length
    f.sha256 = createHash('sha256').update(buf).digest('hex')
  }
  writeFileSync(join(dst, 'manifest.json'), JSON.stringify(m))
  return id
}

/** Restores `id` (must fail before CRIU ran), deletes it, and returns the error. */
export function refusedRestore(
  base: BaseSnapshot,
  id: string
): { code?: string; message?: string; why?: string } {
  const r = helperAsRoot(['restore'], JSON.stringify({ op: 'restore', id }), { uid: base.uid })
  expect(r.status).not.toBe(0)
  // Refused before CRIU ran: the original pid was never recreated.
  expect(existsSync(`/proc/${base.pid}`)).toBe(false)
  helperAsRoot(['delete'], JSON.stringify({ op: 'delete', id }), { uid: base.uid })
  return r.json.error ?? {}
}
