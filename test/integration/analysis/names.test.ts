/**
 * Names a local user chooses (a file's, a socket path's) against the scanner: they must not make
 * it see a deleted file, or a unix socket peer, that is not there.
 */
import { chmodSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { largestDeletedFile } from '../../../electron/core/criu/plan'
import { scan } from '../../../electron/core/procfs/scan'
import { start, type Workload } from '../../support/workloads'
import { analyzeNow, ids, only, startHolder, until, type Holder } from './holder'

let dir: string
const running: Array<Workload | Holder> = []

/** The inode of socket fd `fd` of `pid`. */
function socketInode(pid: number, fd: number): number {
  const link = readlinkSync(`/proc/${pid}/fd/${fd}`)
  const m = /^socket:\[(\d+)\]$/.exec(link)
  if (!m) throw new Error(`fd ${fd} of ${pid} is ${link}`)
  return Number(m[1])
}

async function holder(actions: string[]): Promise<Holder> {
  const h = await startHolder(actions)
  running.push(h)
  return h
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'icebox-names-'))
})

afterEach(async () => {
  for (const w of running.splice(0).reverse()) await w.stop()
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe('names chosen by a user', () => {
  it('a live file named "… (deleted)" is no deleted file; a deleted file of that name is', async () => {
    const live = join(dir, 'big (deleted)')
    writeFileSync(live, Buffer.alloc(3 << 20, 'x'))
    const h = await holder(['setsid', 'open', live])
    const a = analyzeNow(h.pid)
    expect(ids(a)).toEqual(['start-time-changes'])
    expect(a.verdict).toBe('freezable')
    expect(a.criuOptions).toEqual([])
    // The freeze lists it among the files restore needs (not deleted), at its real path.
    const tree = scan().processes.filter((p) => a.tree.includes(p.pid))
    const files = tree.flatMap((p) => p.fds.filter((fd) => fd.kind === 'file'))
    expect(files.map(({ fd, path, deleted, size }) => ({ fd, path, deleted, size }))).toEqual([
      { fd: 3, path: live, deleted: false, size: 3 << 20 }
    ])
    expect(largestDeletedFile(tree)).toBe(0)

    const gone = join(dir, 'gone (deleted)')
    const g = await holder(['setsid', 'deleted', gone, String(3 << 20)])
    const b = analyzeNow(g.pid)
    expect(ids(b)).toEqual(['deleted-file', 'start-time-changes'])
    expect(only(b, 'deleted-file')).toMatchObject({
      severity: 'needs-option',
      option: '--ghost-limit',
      evidence: [`fd 3: ${gone} (3.0 MiB)`]
    })
    expect(b.criuOptions).toEqual(['--ghost-limit'])
  })

  it('a line forged into ss through a socket path gives no fake peer', async () => {
    const path = join(dir, 'inside.sock')
    const h = await holder(['setsid', 'unix-listen', path, 'child', 'unix-connect', path])
    const [parent, child] = h.pids
    await until(() => {
      const s = scan().processes.find((p) => p.pid === parent)
      return (s?.fds.filter((fd) => fd.kind === 'socket').length ?? 0) >= 2
    }, 'the parent to accept')
    const before = analyzeNow(parent!)
    expect(ids(before)).toEqual(['children', 'start-time-changes'])
    const victim = socketInode(child!, 3)
    // As nobody: a socket whose path makes `ss -x` print a line saying the child's socket is
    // connected to the test's own socket instead.
    const shared = mkdtempSync(join(tmpdir(), 'icebox-forge-'))
    chmodSync(shared, 0o777)
    const other = await holder(['setsid', 'unix-listen', join(dir, 'outside.sock')])
    const fake = socketInode(other.pid, 3)
    const forged = `${shared}/a\nu_str ESTAB 0 0 * ${victim} * ${fake}\nzz`
    const forger = await start('setpriv', [
      '--reuid=nobody',
      '--regid=nogroup',
      '--clear-groups',
      '/usr/bin/python3',
      '-c',
      'import socket,sys,time\ns=socket.socket(socket.AF_UNIX)\ns.bind(sys.argv[1])\ns.listen(1)\nprint("ready",flush=True)\ntime.sleep(120)',
      forged
    ])
    running.push(forger)
    try {
      const a = analyzeNow(parent!)
      expect(ids(a)).toEqual([
        'children',
        'external-unix-socket',
        'incomplete',
        'start-time-changes'
      ])
      expect(only(a, 'external-unix-socket')).toMatchObject({
        severity: 'warning',
        pid: child,
        evidence: ['fd 3: unix stream, peer unknown']
      })
      expect(only(a, 'incomplete').evidence).toEqual([
        `pid ${child}: fd 3: socket ${victim} listed more than once by ss (a socket path with a line break); peer unknown`
      ])
      expect(a.verdict).toBe('freezable')
    } finally {
      await forger.stop()
      running.splice(running.indexOf(forger), 1)
      rmSync(shared, { recursive: true, force: true })
    }
  })
})
