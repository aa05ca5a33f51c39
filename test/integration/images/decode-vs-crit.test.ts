/**
 * Real dumps of the images-tree workload (pipes, unix sockets, TCP on loopback, a lock, a deleted
 * file, threads, a stopped and a zombie child, a memfd…) decoded by Icebox and compared field by
 * field with crit, the reference decoder, on the same images.
 */
import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { SnapshotProcess, SnapshotView } from '../../../electron/common/snapshot-view'
import { readCoreCreds, readPstree } from '../../../electron/core/images/creds'
import { readSnapshotView } from '../../../electron/core/images/read-snapshot-view'
import { runShow } from '../../../electron/cli/commands/show'
import { startWorkload, type Workload } from '../../support/workloads'
import {
  critHasFlag,
  critNumber,
  critShow,
  critTaskState,
  critX,
  criuDump,
  parseCritFds,
  parseCritMems,
  type CritJson
} from './criu-helpers'

let work: string
let full: string
let noZombie: string
let tree: Workload
let ready: { pid: number; stopped: number; zombie: number; tcp: number; v6: number }
let view: SnapshotView

const DUMP_ARGS = ['--leave-running', '-l', '--tcp-established', '--network-lock', 'nftables']

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'icebox-images-'))
  full = join(work, 'full')
  noZombie = join(work, 'nozombie')
  const files = join(work, 'files')
  for (const d of [full, noZombie, files]) rmSync(d, { recursive: true, force: true })
  const { mkdirSync } = await import('node:fs')
  for (const d of [full, noZombie, files]) mkdirSync(d)
  tree = await startWorkload('images-tree', [files])
  const m = /ready (\d+) tcp=(\d+) v6=(\d+) stopped=(\d+) zombie=(\d+)/.exec(tree.lines[0] ?? '')
  if (!m) throw new Error(`unexpected ready line: ${tree.lines[0]}`)
  ready = {
    pid: Number(m[1]),
    tcp: Number(m[2]),
    v6: Number(m[3]),
    stopped: Number(m[4]),
    zombie: Number(m[5])
  }
  await criuDump(ready.pid, full, DUMP_ARGS)
  // Second dump without the zombie: crit x fds/mems crash on a zombie (no ids/mm image).
  process.kill(ready.pid, 'SIGUSR2')
  const deadline = Date.now() + 5000
  while (readdirSync('/proc').includes(String(ready.zombie)) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20))
  }
  await criuDump(ready.pid, noZombie, DUMP_ARGS)
  view = readSnapshotView(full)
})

afterAll(async () => {
  if (tree) {
    process.kill(tree.pid, 'SIGTERM')
    await tree.stop()
  }
  if (work) rmSync(work, { recursive: true, force: true })
})

function proc(v: SnapshotView, pid: number): SnapshotProcess {
  const p = v.processes.find((x) => x.pid === pid)
  if (!p) throw new Error(`no process ${pid} in the view`)
  return p
}

describe('decoded snapshot matches crit', () => {
  it('decodes without damage', () => {
    expect(view.damage).toBeNull()
    expect(view.status).toBe('ok')
    expect(view.rootPid).toBe(ready.pid)
  })

  it('pstree: pids, parents, groups, sessions and threads', async () => {
    const crit = await critShow(join(full, 'pstree.img'))
    const ours = readPstree(full)
    expect(ours.map((t) => t.pid)).toEqual(crit.entries.map((e: CritJson) => e.pid))
    for (const [i, e] of crit.entries.entries()) {
      expect(ours[i]).toMatchObject({ pid: e.pid, ppid: e.ppid, pgid: e.pgid, sid: e.sid })
      expect(ours[i]!.threads).toEqual(e.threads ?? [])
    }
    expect(ours.map((t) => t.pid).sort()).toEqual([ready.pid, ready.stopped, ready.zombie].sort())
  })

  it('core: comm, task state, exit code, stop signal and thread names', async () => {
    for (const task of readPstree(full)) {
      const crit = (await critShow(join(full, `core-${task.pid}.img`))).entries[0]
      const p = proc(view, task.pid)
      expect(p.comm).toBe(crit.tc.comm)
      const code = { alive: 1, dead: 2, stopped: 3, unknown: -1 }[p.state]
      expect(code).toBe(critTaskState(crit.tc.task_state))
      if (p.state === 'dead') expect(p.exitStatus).toBe(crit.tc.exit_code)
      if (p.state === 'stopped') expect(p.stopSignal).toBe(crit.tc.stop_signo)
      for (const th of p.threads) {
        const tc = (await critShow(join(full, `core-${th.tid}.img`))).entries[0]
        expect(th.comm).toBe(tc.thread_core.comm ?? null)
      }
    }
    expect(proc(view, ready.zombie)).toMatchObject({ state: 'dead', exitText: 'exited 7' })
    expect(proc(view, ready.stopped)).toMatchObject({ state: 'stopped', stopSignal: 19 })
    expect(proc(view, ready.pid).threads.map((t) => t.comm)).toContain('img-worker')
  })

  it('creds of every thread equal crit, word by word', async () => {
    for (const task of readPstree(full)) {
      if (task.pid === ready.zombie) continue
      for (const tid of task.threads) {
        const c = (await critShow(join(full, `core-${tid}.img`))).entries[0].thread_core.creds
        const ours = readCoreCreds(full, tid)
        expect(ours).toEqual({
          uid: c.uid,
          gid: c.gid,
          euid: c.euid,
          egid: c.egid,
          suid: c.suid,
          sgid: c.sgid,
          fsuid: c.fsuid,
          fsgid: c.fsgid,
          capInh: c.cap_inh,
          capPrm: c.cap_prm,
          capEff: c.cap_eff,
          capBnd: c.cap_bnd,
          capAmb: c.cap_amb ?? [],
          secbits: c.secbits,
          groups: c.groups ?? [],
          noNewPrivs: (c.no_new_privs ?? 0) !== 0
        })
      }
    }
    expect(readCoreCreds(full, ready.pid).groups).toEqual([5, 27])
    expect(readCoreCreds(full, ready.stopped).noNewPrivs).toBe(true)
    expect(() => readCoreCreds(full, ready.zombie)).toThrow(/core-\d+\.img.*no credentials/)
  })

  it('ps: same tree as crit x ps', async () => {
    const rows = (await critX(full, 'ps'))
      .slice(1)
      .filter((l) => l.trim() !== '')
      .map((l) => l.trim().split(/\s+/))
    expect(rows.map((r) => Number(r[0]))).toEqual(view.processes.map((p) => p.pid))
    for (const r of rows) {
      const p = proc(view, Number(r[0]))
      expect([p.pgid, p.sid, p.comm]).toEqual([Number(r[1]), Number(r[2]), r[3]])
    }
  })

  it('fd tables, cwd and root equal crit x fds', async () => {
    const v = readSnapshotView(noZombie)
    const crit = parseCritFds(await critX(noZombie, 'fds'))
    expect([...crit.keys()]).toEqual(v.processes.map((p) => p.pid))
    const files = await critShow(join(noZombie, 'files.img'))
    const typeOf = new Map<number, string>(files.entries.map((e: CritJson) => [e.id, e.type]))
    for (const p of v.processes) {
      const fds = crit.get(p.pid)!
      expect(fds.get('cwd')).toBe(p.cwd)
      expect(fds.get('root')).toBe(p.root)
      const numbered = [...fds.keys()].filter((k) => /^\d+$/.test(k)).map(Number)
      expect(p.fds.map((f) => f.fd)).toEqual(numbered)
      for (const fd of p.fds) {
        const text = fds.get(String(fd.fd))!
        if (fd.kind === 'file' || fd.kind === 'dir' || fd.kind === 'device') {
          expect(text).toBe(fd.path)
        } else if (fd.kind === 'pipe') {
          expect(text).toBe(`pipe[${fd.inode}]`)
        } else if (fd.kind === 'unix') {
          const m = /^unix\[(\d+) \((\d+)\)(?: (.*))?\]$/.exec(text)
          expect(m, text).not.toBeNull()
          expect(Number(m![1])).toBe(fd.inode)
          expect(Number(m![2])).toBe(fd.peerInode ?? 0)
          const name = m![3] === undefined ? null : m![3].replace(/=00$/, '')
          expect(name).toBe(fd.local)
        } else {
          // crit prints "<TYPE>.<file id>" for every other kind.
          expect(text).toBe(`${typeOf.get(fd.fileId)}.${fd.fileId}`)
        }
      }
    }
  })

  it('every fd kind of the workload is recognised', () => {
    const kinds = new Set(proc(view, ready.pid).fds.map((f) => f.kind))
    for (const k of [
      'file',
      'device',
      'pipe',
      'unix',
      'tcp',
      'udp',
      'memfd',
      'eventfd',
      'eventpoll',
      'inotify',
      'signalfd',
      'timerfd',
      'tty'
    ]) {
      expect(kinds, k).toContain(k)
    }
    const root = proc(view, ready.pid)
    const deleted = root.fds.find((f) => f.deleted)
    expect(deleted?.path).toMatch(/deleted\.txt$/)
    const data = root.fds.find((f) => f.path?.endsWith('/data.txt'))
    expect(data).toMatchObject({ pos: 5, size: 16 })
    const memfd = root.fds.find((f) => f.kind === 'memfd')
    expect(memfd).toMatchObject({ path: 'memfd:icebox-memfd', size: 8192 })
    expect(root.fds.find((f) => f.kind === 'eventfd')?.description).toContain('42')
  })

  it('socket addresses, states and tcp queues equal crit show files.img / tcp-stream', async () => {
    const files = await critShow(join(full, 'files.img'))
    const root = proc(view, ready.pid)
    let inet = 0
    for (const e of files.entries) {
      if (e.type !== 'INETSK') continue
      const fd = root.fds.find((f) => f.fileId === e.id)
      if (!fd) continue
      inet++
      const isk = e.isk
      const host = (a: string): string =>
        a === '0.0.0.0' || a === '::' ? '*' : isk.family === 'INET6' ? `[${a}]` : a
      expect(fd.local).toBe(`${host(isk.src_addr[0])}:${isk.src_port}`)
      const connected = isk.dst_port !== 0
      expect(fd.remote).toBe(connected ? `${host(isk.dst_addr[0])}:${isk.dst_port}` : null)
      expect(fd.state).toBe(isk.state)
      expect(fd.inode).toBe(isk.ino)
      if (isk.state === 'ESTABLISHED' && isk.proto === 'TCP') {
        const ts = (await critShow(join(full, `tcp-stream-${isk.ino.toString(16)}.img`))).entries[0]
        expect(fd.queuedBytes).toBe(ts.inq_len + ts.outq_len)
      }
    }
    expect(inet).toBe(5)
    expect(root.fds.some((f) => f.local === `[::1]:${ready.v6}` && f.state === 'LISTEN')).toBe(true)
    expect(root.fds.some((f) => f.local === `127.0.0.1:${ready.tcp}` && f.state === 'LISTEN')).toBe(
      true
    )
    expect(root.fds.some((f) => f.queuedBytes === 11)).toBe(true)
    expect(view.restoreChecks?.tcpConnections.length).toBeGreaterThanOrEqual(2)
  })

  it('pipe and socketpair peers are resolved inside the snapshot', () => {
    const root = proc(view, ready.pid)
    const readEnd = root.fds.find((f) => f.kind === 'pipe' && f.type === 'read' && f.peers.length)
    expect(readEnd).toBeDefined()
    const writeEnd = root.fds.find(
      (f) => f.kind === 'pipe' && f.inode === readEnd!.inode && f.type === 'write'
    )
    expect(readEnd!.peers).toContainEqual({ pid: ready.pid, fd: writeEnd!.fd, comm: root.comm })
    const pair = root.fds.filter((f) => f.kind === 'unix' && f.peerInode !== null)
    expect(pair.length).toBe(2)
    expect(pair[0]!.peers.map((x) => x.fd)).toContain(pair[1]!.fd)
  })

  it('memory: VMAs, exe and page counts equal crit x mems and crit show pagemap/mm', async () => {
    const v = readSnapshotView(noZombie)
    const mems = parseCritMems(await critX(noZombie, 'mems'))
    for (const p of v.processes) {
      const m = mems.get(p.pid)!
      expect(p.memory!.exe).toBe(m.exe)
      const mm = (await critShow(join(noZombie, `mm-${p.pid}.img`))).entries[0]
      const real = mm.vmas.filter(
        (x: CritJson) => !critHasFlag(x.status, 'VMA_AREA_GUARD', 0x10000)
      )
      expect(m.vmas.length).toBe(mm.vmas.length)
      expect(p.memory!.vmaCount).toBe(real.length)
      const mapped = real.reduce(
        (s: bigint, x: CritJson) => s + critNumber(x.end) - critNumber(x.start),
        0n
      )
      expect(BigInt(p.memory!.mappedBytes)).toBe(mapped)
      const pm = (await critShow(join(noZombie, `pagemap-${p.pid}.img`))).entries.slice(1)
      const present = pm
        .filter((e: CritJson) => critHasFlag(e.flags, 'PE_PRESENT', 4))
        .reduce((s: number, e: CritJson) => s + Number(e.nr_pages), 0)
      expect(p.memory!.pagesPresent).toBe(present)
      expect(p.memory!.dumpedBytes).toBe(present * 4096)
    }
  })

  it('totals, CRIU timings and features equal crit show stats-dump and friends', async () => {
    const stats = (await critShow(join(full, 'stats-dump'))).entries[0].dump
    expect(view.timings).toEqual({
      freezingUs: stats.freezing_time,
      frozenUs: stats.frozen_time,
      memdumpUs: stats.memdump_time,
      memwriteUs: stats.memwrite_time,
      pagesScanned: Number(stats.pages_scanned),
      pagesSkippedParent: Number(stats.pages_skipped_parent),
      pagesWritten: Number(stats.pages_written),
      pagesLazy: Number(stats.pages_lazy ?? 0)
    })
    // Every page CRIU wrote is in some pages-*.img (task pages plus shared memory pages).
    const shmem = Number(stats.shpages_written ?? 0)
    expect(view.totals.pageBytes).toBe((Number(stats.pages_written) + shmem) * 4096)
    expect(view.totals.pagesPresent).toBe(Number(stats.pages_written))
    const locks = await critShow(join(full, 'filelocks.img'))
    expect(view.features.fileLocks).toBe(locks.entries.length)
    expect(view.features).toMatchObject({
      networkLock: 'nftables',
      ghostFiles: 1,
      tcpStreams: 2,
      timens: true,
      imgVersion: 2
    })
    expect(view.totals.processes).toBe(3)
  })

  it('file locks per fd equal crit show filelocks.img', async () => {
    const crit = await critShow(join(full, 'filelocks.img'))
    expect(crit.entries.length).toBeGreaterThan(0)
    const kinds: Record<number, string> = { 1: 'posix', 2: 'flock', 4: 'ofd', 8: 'lease' }
    for (const l of crit.entries) {
      const fd = proc(view, l.pid).fds.find((f) => f.fd === l.fd)
      expect(fd?.lock).toBe(`${kinds[l.flag]} ${['read', 'write', 'unlock'][l.type]}`)
    }
    const data = proc(view, ready.pid).fds.find((f) => f.path?.endsWith('/data.txt'))
    expect(data?.lock).toBe('flock write')
  })

  it('offline restore checks see the live pids and the files', () => {
    const rc = view.restoreChecks!
    // The tree was dumped with --leave-running: its pids are still taken.
    expect(rc.pids.find((p) => p.pid === ready.pid)?.free).toBe(false)
    expect(rc.problems.join('\n')).toMatch(/in use/)
    const data = rc.files.find((f) => f.path.endsWith('/data.txt'))
    expect(data).toMatchObject({ exists: true, expectedSize: 16, size: 16, ok: true })
    // Mapped libraries are needed too.
    expect(rc.files.find((f) => /\/libc\.so\.6$/.test(f.path))?.ok).toBe(true)
    // A file that changed size since the dump is a problem.
    appendFileSync(data!.path, 'more')
    const again = readSnapshotView(full).restoreChecks!
    expect(again.files.find((f) => f.path === data!.path)).toMatchObject({ size: 20, ok: false })
    expect(again.problems.join('\n')).toContain(
      `${data!.path} changed size (16 bytes at dump, 20 now)`
    )
  })

  it('icebox show prints the tree, files, memory, timings and checks', () => {
    const { text } = runShow(undefined, { dir: full })
    expect(text).toContain(`${ready.pid} images-tree [alive]`)
    expect(text).toContain('[zombie, exited 7]')
    expect(text).toContain('stopped by signal 19')
    expect(text).toContain(`127.0.0.1:${ready.tcp} LISTEN`)
    expect(text).toContain('CRIU timings')
    expect(text).toContain('Restore checks (offline)')
    const json = JSON.parse(runShow(undefined, { dir: full, json: true }).text) as SnapshotView
    expect(json.processes.length).toBe(3)
  })
})
