/**
 * Names a local user chooses (a file's, a socket path's) against the scanner: they must not make
 * it see a deleted file, or a unix socket peer, that is not there.
 */
import { chmodSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

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
    const { parent, child, victim } = await connectedPair()
    // A socket of a process outside the tree, for the forged line to name as the peer.
    const other = await holder(['setsid', 'unix-listen', join(dir, 'outside.sock')])
    await bindAsNobody(`a\nu_str ESTAB 0 0 * ${victim} * ${socketInode(other.pid, 3)}\nzz`)
    const a = analyzeNow(parent)
    expect(ids(a)).toEqual(['children', 'external-unix-socket', 'incomplete', 'start-time-changes'])
    expect(only(a, 'external-unix-socket')).toMatchObject({
      severity: 'warning',
      pid: child,
      evidence: ['fd 3: unix stream, peer unknown']
    })
    expect(only(a, 'incomplete').evidence).toEqual([
      `pid ${child}: fd 3: socket ${victim} listed more than once by ss (a socket path with a line break); peer unknown`
    ])
    expect(a.verdict).toBe('freezable')
  })

  it('a row forged into /proc/net/unix through a socket path is left out', async () => {
    const { parent, child, victim } = await connectedPair()
    // The row (short: a socket path has at most 107 bytes) gives the child's socket a path.
    await bindAsNobody(`a\n0: 3 0 0 1 3 ${victim} /tmp/.X11-unix/X0\nzz`)
    const a = analyzeNow(parent)
    // The socket's real row goes too: nothing is known of it, and that is said.
    expect(ids(a)).toEqual(['children', 'incomplete', 'start-time-changes'])
    expect(only(a, 'incomplete').evidence).toEqual([
      `pid ${child}: fd 3: socket ${victim} not in /proc/net (unbound or other family)`
    ])
    expect(a.verdict).toBe('freezable')
  })
})

/** A parent listening on a unix socket and its child connected to it: no finding of their own. */
async function connectedPair(): Promise<{ parent: number; child: number; victim: number }> {
  const path = join(dir, 'inside.sock')
  const h = await holder(['setsid', 'unix-listen', path, 'child', 'unix-connect', path])
  const [parent, child] = h.pids as [number, number]
  await until(() => {
    const s = scan().processes.find((p) => p.pid === parent)
    return (s?.fds.filter((fd) => fd.kind === 'socket').length ?? 0) >= 2
  }, 'the parent to accept')
  expect(ids(analyzeNow(parent))).toEqual(['children', 'start-time-changes'])
  return { parent, child, victim: socketInode(child, 3) }
}

/** As nobody, listens on a unix socket bound at `name` in a fresh directory. */
async function bindAsNobody(name: string): Promise<void> {
  const shared = mkdtempSync(join(tmpdir(), 'icebox-forge-'))
  chmodSync(shared, 0o777)
  // Slashes in `name` are directories: make them, the last one writable by nobody.
  const path = `${shared}/${name}`
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 })
  chmodSync(dirname(path), 0o777)
  const forger = await start('setpriv', [
    '--reuid=nobody',
    '--regid=nogroup',
    '--clear-groups',
    '/usr/bin/python3',
    '-c',
    'import socket,sys,time\ns=socket.socket(socket.AF_UNIX)\ns.bind(sys.argv[1])\ns.listen(1)\nprint("ready",flush=True)\ntime.sleep(120)',
    path
  ])
  running.push({
    ...forger,
    stop: async () => {
      await forger.stop()
      rmSync(shared, { recursive: true, force: true })
    }
  })
}
