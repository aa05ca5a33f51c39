/**
 * The scanner against real processes: each workload holds one kind of fd, and the scan must
 * classify it and join it with the right peer processes.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import type { PipeFd, ProcessInfo, SocketFd } from '../../../electron/common/model'
import { readBootTime, scan, scanOne } from '../../../electron/core/procfs/scan'
import { start, startWorkload, type Workload } from '../../support/workloads'

let dir: string
const running: Workload[] = []

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'icebox-procfs-'))
})
afterEach(async () => {
  for (const w of running.splice(0)) await w.stop()
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Starts the holder and returns its "ready k=v …" facts as numbers. */
async function holder(args: string[]): Promise<Record<string, number>> {
  const w = await startWorkload('procfs-holder', args)
  running.push(w)
  const line = await w.waitFor(/^ready/)
  const facts: Record<string, number> = {}
  for (const m of line.matchAll(/(\w+)=(\d+)(?:,(\d+))?/g)) {
    facts[m[1]!] = Number(m[2])
    if (m[3] !== undefined) facts[`${m[1]!}2`] = Number(m[3])
  }
  return facts
}

function proc(procs: ProcessInfo[], pid: number): ProcessInfo {
  const p = procs.find((x) => x.pid === pid)
  if (!p) throw new Error(`pid ${pid} not in the scan`)
  return p
}

function fdOf<T>(p: ProcessInfo, fd: number): T {
  const e = p.fds.find((x) => x.fd === fd)
  if (!e) throw new Error(`fd ${fd} not found in pid ${p.pid}: ${JSON.stringify(p.fds)}`)
  return e as T
}

const pipesOf = (p: ProcessInfo): PipeFd[] =>
  p.fds.filter((f): f is PipeFd => f.kind === 'pipe' && f.fd > 2)

describe('scan() on real processes', () => {
  it('fills the process fields (pid, ppid, times, user, namespaces) for the test itself', () => {
    const r = scan()
    expect(r.selfPid).toBe(process.pid)
    const me = proc(r.processes, process.pid)
    expect(me.ppid).toBe(process.ppid)
    expect(me.name).toBe('node'.slice(0, 15))
    expect(me.cmdline[0]).toContain('node')
    expect(me.exe).toBe(process.execPath)
    expect(me.cwd).toBe(process.cwd())
    expect(me.uid).toBe(process.getuid!())
    expect(me.user).toBe('root')
    expect(me.kernelThread).toBe(false)
    expect(me.tracerPid).toBe(0)
    expect(me.threads).toBeGreaterThan(1)
    expect(me.rssBytes).toBeGreaterThan(10 * 1024 * 1024)
    for (const ns of Object.values(me.namespaces)) expect(ns).toMatchObject({ same: true })
    const age = Date.now() - Date.parse(me.startTime)
    expect(age).toBeGreaterThanOrEqual(-2000)
    expect(age).toBeLessThan(process.uptime() * 1000 + 2000)
    expect(readBootTime()).toBeGreaterThan(1_600_000_000)
    const kthreadd = proc(r.processes, 2)
    expect(kthreadd.kernelThread).toBe(true)
    expect(kthreadd.fds).toEqual([])
  })

  it('joins a pipe between parent and child with the right peer pids and ends', async () => {
    const { parent, child } = await holder(['pipe'])
    const r = scan()
    const [w] = pipesOf(proc(r.processes, parent!))
    const [rd] = pipesOf(proc(r.processes, child!))
    expect(w).toMatchObject({ variant: 'pipe', end: 'write' })
    expect(rd).toMatchObject({ variant: 'pipe', end: 'read', inode: w!.inode })
    expect(w!.peers).toEqual([{ pid: child, name: 'procfs-holder', fd: rd!.fd }])
    expect(rd!.peers).toEqual([{ pid: parent, name: 'procfs-holder', fd: w!.fd }])
  })

  it('gives a socketpair and a unix connection to another process their peer inodes and pids', async () => {
    const path = join(dir, 'unix.sock')
    const f = await holder(['unix', path])
    const r = scan()
    expect(r.ssAvailable).toBe(true)
    const parent = proc(r.processes, f.parent!)
    const a = fdOf<SocketFd>(parent, f.pair!)
    const b = fdOf<SocketFd>(parent, f.pair2!)
    expect(a).toMatchObject({ proto: 'unix', type: 'stream', state: 'CONNECTED', peerKnown: true })
    expect(a.peerInode).toBe(b.inode)
    expect(b.peerInode).toBe(a.inode)
    // The child was forked after socketpair(), so it holds both ends too.
    expect(a.peers).toEqual([
      { pid: f.parent, name: 'procfs-holder', fd: f.pair2 },
      { pid: f.child, name: 'procfs-holder', fd: f.pair2 }
    ])

    const listen = fdOf<SocketFd>(parent, f.listen!)
    expect(listen).toMatchObject({ proto: 'unix', state: 'LISTEN', local: path, peerInode: null })
    const accepted = fdOf<SocketFd>(parent, f.accepted!)
    const child = proc(r.processes, f.child!)
    // The child inherited the pair and the listener; its own socket is the newest fd.
    const inherited = [f.pair, f.pair2, f.listen]
    const childSock = child.fds.find(
      (x): x is SocketFd => x.kind === 'socket' && x.fd > 2 && !inherited.includes(x.fd)
    )!
    expect(accepted.peerInode).toBe(childSock.inode)
    expect(accepted.peers.map((p) => p.pid)).toEqual([f.child])
    expect(childSock.peers.map((p) => p.pid)).toEqual([f.parent])
    expect(childSock).toMatchObject({ proto: 'unix', state: 'CONNECTED', peerKnown: true })
  })

  it('reports unix peers as unknown, never guessed, when ss is missing', async () => {
    const f = await holder(['unix', join(dir, 'unix2.sock')])
    const r = scan({ ssPath: '/nonexistent/ss' })
    expect(r.ssAvailable).toBe(false)
    const a = fdOf<SocketFd>(proc(r.processes, f.parent!), f.pair!)
    expect(a).toMatchObject({ proto: 'unix', peerKnown: false, peerInode: null, peers: [] })
  })

  it('shows a loopback TCP connection as ESTABLISHED with both addresses', async () => {
    const f = await holder(['tcp'])
    const r = scan()
    const parent = proc(r.processes, f.parent!)
    expect(fdOf<SocketFd>(parent, f.listen!)).toMatchObject({
      proto: 'tcp',
      type: 'stream',
      state: 'LISTEN',
      local: `127.0.0.1:${f.port}`
    })
    const accepted = fdOf<SocketFd>(parent, f.accepted!)
    expect(accepted).toMatchObject({
      proto: 'tcp',
      state: 'ESTABLISHED',
      local: `127.0.0.1:${f.port}`
    })
    const child = proc(r.processes, f.child!)
    const client = child.fds.find((x): x is SocketFd => x.kind === 'socket' && x.proto === 'tcp')!
    expect(client).toMatchObject({ state: 'ESTABLISHED', remote: `127.0.0.1:${f.port}` })
    expect(accepted.remote).toBe(client.local)
  })

  it('attributes flock, POSIX and OFD locks to the right pid, fd and path', async () => {
    const [f1, f2, f3] = ['flock', 'posix', 'ofd'].map((n) => join(dir, `${n}.lock`))
    const f = await holder(['locks', f1!, f2!, f3!])
    const p = proc(scan().processes, f.pid!)
    const byKind = Object.fromEntries(p.locks.map((l) => [l.kind, l]))
    expect(p.locks).toHaveLength(3)
    expect(byKind.FLOCK).toMatchObject({ access: 'WRITE', fd: f.flock, path: f1 })
    expect(byKind.POSIX).toMatchObject({ access: 'WRITE', fd: f.posix, path: f2, end: 'EOF' })
    expect(byKind.OFDLCK).toMatchObject({
      access: 'READ',
      fd: f.ofd,
      path: f3,
      start: '0',
      end: '99'
    })
    // Nobody else got them.
    const others = scan().processes.filter((x) => x.pid !== f.pid)
    for (const o of others) for (const l of o.locks) expect([f1, f2, f3]).not.toContain(l.path)
  })

  it('without file details, still finds an inherited flock and the ends of shared pipes', async () => {
    // `flock 9` (a child that exits) takes the lock on the shell's fd 9: /proc/locks names that
    // dead pid, and only the fdinfo of the shell (exec'ed into sleep) shows the lock it holds.
    const file = join(dir, 'inherited.lock')
    const w = await start('sh', [
      '-c',
      `exec 8>"$1.plain" 9>"$1" && flock 9 && echo ready && exec sleep 600`,
      'sh',
      file
    ])
    running.push(w)
    await w.waitFor(/ready/)
    const { parent, child } = await holder(['pipe'])
    const lean = scan({ fileDetails: false })
    const full = scan()
    for (const r of [lean, full]) {
      expect(proc(r.processes, w.pid).locks).toMatchObject([
        { kind: 'FLOCK', access: 'WRITE', fd: 9, path: file }
      ])
      const [wr] = pipesOf(proc(r.processes, parent!))
      const [rd] = pipesOf(proc(r.processes, child!))
      expect(wr).toMatchObject({ end: 'write' })
      expect(rd).toMatchObject({ end: 'read', inode: wr!.inode })
    }
    // What the lean scan left out: the open flags and position of a file nobody locks.
    expect(fdOf(proc(lean.processes, w.pid), 8)).toMatchObject({ pos: null, flags: null })
    expect(fdOf(proc(full.processes, w.pid), 8)).toMatchObject({ pos: 0 })
  })

  it('flags a deleted open file with its size and position', async () => {
    const file = join(dir, 'ghost.bin')
    const f = await holder(['deleted', file, '123457'])
    const p = proc(scan().processes, f.pid!)
    expect(fdOf(p, f.fd!)).toMatchObject({
      kind: 'file',
      path: file,
      deleted: true,
      size: 123457,
      pos: 123457
    })
  })

  it('classifies /dev/zero as char device 1:5', async () => {
    const f = await holder(['device'])
    const p = scanOne(f.pid!)!
    expect(fdOf(p, f.fd!)).toEqual({
      fd: f.fd,
      kind: 'device',
      devType: 'char',
      major: 1,
      minor: 5,
      path: '/dev/zero'
    })
  })

  it('resolves sockets of a process in another network namespace through /proc/PID/net', async () => {
    const w = await start('unshare', [
      '--net',
      'python3',
      '-c',
      'import socket,time\ns=socket.socket()\ns.bind(("127.0.0.1",4711))\ns.listen()\n' +
        'print("ready",flush=True)\ntime.sleep(120)'
    ])
    running.push(w)
    const p = proc(scan().processes, w.pid)
    expect(p.namespaces.net.same).toBe(false)
    expect(p.namespaces.pid.same).toBe(true)
    const sock = p.fds.find((x): x is SocketFd => x.kind === 'socket' && x.fd > 2)
    expect(sock).toMatchObject({ proto: 'tcp', state: 'LISTEN', local: '127.0.0.1:4711' })
  })

  it('says when a socket is in no /proc/net table (an unbound TCP socket)', async () => {
    const w = await start('python3', [
      '-c',
      'import socket,time\ns=socket.socket()\nprint("ready",s.fileno(),flush=True)\ntime.sleep(120)'
    ])
    running.push(w)
    const fd = Number((await w.waitFor(/ready/)).split(' ')[1])
    const p = proc(scan().processes, w.pid)
    expect(fdOf<SocketFd>(p, fd)).toMatchObject({ proto: 'unknown', peerKnown: false })
    expect(p.unreadable.join('\n')).toMatch(new RegExp(`fd ${fd}: socket \\d+ not in /proc/net`))
  })

  it('joins a named FIFO by its inode across two processes', async () => {
    const fifo = join(dir, 'named.fifo')
    execFileSync('mkfifo', [fifo])
    const code = (tag: string): string =>
      `import os,time\nfd=os.open(${JSON.stringify(fifo)},os.O_RDWR)\n` +
      `print("ready ${tag}",fd,flush=True)\ntime.sleep(120)`
    const a = await start('python3', ['-c', code('a')])
    running.push(a)
    const b = await start('python3', ['-c', code('b')])
    running.push(b)
    const fdA = Number((await a.waitFor(/ready/)).split(' ')[2])
    const r = scan()
    const entry = fdOf<PipeFd>(proc(r.processes, a.pid), fdA)
    expect(entry).toMatchObject({ kind: 'pipe', variant: 'fifo', path: fifo, end: null })
    expect(entry.peers.map((p) => p.pid)).toEqual([b.pid])
  })

  it('skips processes that vanished and never throws', async () => {
    const f = await holder(['device'])
    const gone = running.pop()!
    await gone.stop()
    const r = scan({ pids: [f.pid!, 999_999_999, process.pid] })
    expect(r.processes.map((p) => p.pid)).toEqual([process.pid])
    expect(scanOne(f.pid!)).toBeNull()
    expect(() => scan({ procRoot: join(dir, 'no-proc-here') })).not.toThrow()
  })

  it('marks what a non-root scanner cannot read instead of failing', async () => {
    const f = await holder(['device'])
    const bundle = join(dir, 'scan-as-user.mjs')
    const src = join(import.meta.dirname, '..', '..', '..', 'electron/core/procfs/scan.ts')
    execFileSync('npx', [
      'esbuild',
      '--bundle',
      '--platform=node',
      '--format=esm',
      '--log-level=warning',
      `--outfile=${bundle}`,
      '--footer:js=console.log(JSON.stringify(scan({ pids: [Number(process.argv[2])] })))',
      src
    ])
    execFileSync('chmod', ['-R', 'a+rX', dir])
    const out = execFileSync(
      'setpriv',
      [
        '--reuid=nobody',
        '--regid=nogroup',
        '--clear-groups',
        process.execPath,
        bundle,
        String(f.pid)
      ],
      { encoding: 'utf8' }
    )
    const r = JSON.parse(out) as { processes: ProcessInfo[] }
    expect(r.processes).toHaveLength(1)
    const p = r.processes[0]!
    expect(p.pid).toBe(f.pid)
    expect(p.name).toBe('procfs-holder')
    expect(p.user).toBe('root')
    expect(p.fds).toEqual([])
    expect(p.exe).toBeNull()
    expect(p.unreadable).toEqual(
      expect.arrayContaining(['fd: permission denied', 'exe: permission denied'])
    )
  })
})
