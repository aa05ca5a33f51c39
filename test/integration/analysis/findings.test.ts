/**
 * The analysis against real processes: each workload holds one kind of resource, and the test
 * asserts the exact finding ids, their evidence, and that nothing else was found.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { analyze, analyzeAll } from '../../../electron/core/analysis/analyze'
import { summarizeAll } from '../../../electron/core/analysis/summary'
import { scan } from '../../../electron/core/procfs/scan'
import { start, type Workload } from '../../support/workloads'
import {
  ROOT,
  analyzeNow,
  ids,
  only,
  startHolder,
  startHolderAfterPipe,
  until,
  type Holder
} from './holder'

let dir: string
const running: Array<Workload | Holder> = []

/**
 * Whether the analysis says `pid` is traced, without analyzeNow's check that the freeze's scan
 * agrees: while the tracer attaches, a scan a moment later may rightly see it differently.
 */
function isTraced(pid: number): boolean {
  return analyze(scan(), pid, ROOT).findings.some((f) => f.id === 'traced')
}

async function holder(actions: string[]): Promise<Holder> {
  const h = await startHolder(actions)
  running.push(h)
  return h
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'icebox-analysis-'))
})

afterEach(async () => {
  for (const w of running.splice(0).reverse()) await w.stop()
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe('analysis of real processes', () => {
  it('a plain loop with setsid and stdio on /dev/null is freezable with only info', async () => {
    const h = await holder(['setsid'])
    const a = analyzeNow(h.pid)
    expect(a.verdict).toBe('freezable')
    expect(ids(a)).toEqual(['start-time-changes'])
    expect(a.findings.every((f) => f.severity === 'info')).toBe(true)
    expect(a.tree).toEqual([h.pid])
    expect(a.criuOptions).toEqual([])
  })

  it('a parent and child joined by a pipe: no external finding', async () => {
    const h = await holder(['setsid', 'child'])
    const [parent, child] = h.pids
    const a = analyzeNow(parent!)
    expect(a.tree).toEqual([parent, child])
    expect(ids(a)).toEqual(['children', 'start-time-changes'])
    expect(only(a, 'children').evidence).toEqual([`${child} (analysis-holder)`])
    expect(a.verdict).toBe('freezable')
    // Seen from the child alone, the parent holds the other end: now it is external.
    const fromChild = analyzeNow(child!)
    expect(ids(fromChild)).toEqual(['external-pipe', 'start-time-changes', 'tty'])
    expect(only(fromChild, 'external-pipe').evidence.join('\n')).toContain(
      `other end held by pid ${parent} (analysis-holder)`
    )
  })

  it('a pipe whose writer is outside the tree: external-pipe naming the peer', async () => {
    const h = await startHolderAfterPipe(['setsid', 'keep-stdin'])
    running.push(h)
    const root = h.pids[0]!
    const snapshot = scan()
    const sleeper = snapshot.processes.find((p) => p.ppid === h.shellPid && p.name === 'sleep')
    expect(sleeper).toBeDefined()
    const a = analyzeNow(root)
    expect(ids(a)).toEqual(['external-pipe', 'start-time-changes'])
    const f = only(a, 'external-pipe')
    expect(f).toMatchObject({ severity: 'warning', pid: root })
    expect(f.evidence).toHaveLength(1)
    expect(f.evidence[0]).toMatch(
      new RegExp(
        `^fd 0: pipe \\d+ \\(read end\\), other end held by pid ${sleeper!.pid} \\(sleep\\) fd 1$`
      )
    )
    expect(a.verdict).toBe('freezable')
  })

  it('a unix stream socket to an outside process is a blocker naming the peer pid', async () => {
    const path = join(dir, 'stream.sock')
    const server = await holder(['setsid', 'unix-listen', path])
    const client = await holder(['setsid', 'unix-connect', path])
    await until(() => {
      const s = scan().processes.find((p) => p.pid === server.pid)
      return (s?.fds.filter((fd) => fd.kind === 'socket').length ?? 0) >= 2
    }, 'the server to accept')
    const a = analyzeNow(client.pid)
    expect(ids(a)).toEqual(['external-unix-socket', 'start-time-changes'])
    const f = only(a, 'external-unix-socket')
    expect(f.severity).toBe('blocker')
    expect(f.evidence).toHaveLength(1)
    expect(f.evidence[0]).toMatch(
      new RegExp(
        `^fd 3: unix stream to ${path}, peer pid ${server.pid} \\(analysis-holder\\) fd 4 \\(peer socket \\d+\\)$`
      )
    )
    expect(a.verdict).toBe('blocked')
  })

  it('a unix datagram socket connected outside needs --ext-unix-sk', async () => {
    const path = join(dir, 'dgram.sock')
    const server = await holder(['setsid', 'dgram-bind', path])
    const client = await holder(['setsid', 'dgram-connect', path])
    const a = analyzeNow(client.pid)
    expect(ids(a)).toEqual(['external-unix-socket', 'start-time-changes'])
    const f = only(a, 'external-unix-socket')
    expect(f).toMatchObject({ severity: 'needs-option', option: '--ext-unix-sk' })
    expect(f.evidence[0]).toMatch(
      new RegExp(`^fd 3: unix dgram to ${path}, peer pid ${server.pid} \\(analysis-holder\\) fd 3`)
    )
    expect(a.verdict).toBe('needs-options')
    expect(a.criuOptions).toEqual(['--ext-unix-sk'])
  })

  it('an established loopback TCP connection: tcp-established with both addresses', async () => {
    const h = await holder(['setsid', 'tcp-pair'])
    const a = analyzeNow(h.pid)
    expect(ids(a)).toEqual(['start-time-changes', 'tcp-established'])
    const f = only(a, 'tcp-established')
    expect(f).toMatchObject({
      severity: 'needs-option',
      option: '--tcp-established',
      alternatives: ['--tcp-close']
    })
    expect(f.evidence).toHaveLength(2)
    const [c, s] = f.evidence.map((e) =>
      /^fd (\d+): (127\.0\.0\.1:\d+) -> (127\.0\.0\.1:\d+)$/.exec(e)
    )
    expect(c && s).toBeTruthy()
    // The two ends mirror each other.
    expect([c![2], c![3]]).toEqual([s![3], s![2]])
    expect(a.criuOptions).toEqual(['--tcp-established'])
  })

  it('tcp-established in user mode offers --tcp-close and says why', async () => {
    const h = await holder(['setsid', 'tcp-pair'])
    const f = only(analyzeNow(h.pid, { mode: 'user', uid: 0 }), 'tcp-established')
    expect(f.option).toBe('--tcp-close')
    expect(f.message).toMatch(/needs root/)
  })

  it('a listening TCP socket alone has no tcp finding', async () => {
    const h = await holder(['setsid', 'tcp-listen'])
    const a = analyzeNow(h.pid)
    expect(ids(a)).toEqual(['start-time-changes'])
    expect(a.verdict).toBe('freezable')
  })

  it('flock, POSIX and OFD locks are each attributed to the pid that holds them', async () => {
    const [fa, fb, fc] = ['flock', 'posix', 'ofd'].map((n) => join(dir, `${n}.lock`))
    const h = await holder(['setsid', 'flock', fa!, 'child', 'posix', fb!, 'child', 'ofd', fc!])
    const [p0, p1, p2] = h.pids
    const a = analyzeNow(p0!)
    expect(ids(a)).toEqual(['children', 'file-lock', 'start-time-changes'])
    const locks = a.findings.filter((f) => f.id === 'file-lock')
    expect(locks.map((f) => f.pid)).toEqual([p0, p1, p2])
    expect(locks.every((f) => f.option === '--file-locks' && f.severity === 'needs-option')).toBe(
      true
    )
    const lockLine = (kind: string, path: string) =>
      new RegExp(`^fd \\d+: ${kind} WRITE lock on ${path}$`)
    expect(locks[0]!.evidence).toEqual([expect.stringMatching(lockLine('FLOCK', fa!))])
    expect(locks[1]!.evidence).toEqual([expect.stringMatching(lockLine('POSIX', fb!))])
    expect(locks[2]!.evidence).toEqual([expect.stringMatching(lockLine('OFDLCK', fc!))])
    expect(a.verdict).toBe('needs-options')
    expect(a.criuOptions).toEqual(['--file-locks'])
  })

  it('an open device other than null/zero/tty is a blocker', async () => {
    const h = await holder(['setsid', 'open', '/dev/loop-control'])
    const a = analyzeNow(h.pid)
    expect(ids(a)).toEqual(['device', 'start-time-changes'])
    expect(only(a, 'device')).toMatchObject({
      severity: 'blocker',
      pid: h.pid,
      evidence: ['fd 3: /dev/loop-control (char 10:237)']
    })
    expect(a.verdict).toBe('blocked')
  })

  it('a process under strace is traced and blocked', async () => {
    const h = await holder(['setsid'])
    const strace = await start('strace', ['-q', '-o', '/dev/null', '-p', String(h.pid)], {
      ready: null
    })
    running.push(strace)
    await until(() => isTraced(h.pid), 'strace to attach')
    const a = analyzeNow(h.pid)
    expect(ids(a)).toEqual(['start-time-changes', 'traced'])
    expect(only(a, 'traced').evidence).toEqual([`pid ${h.pid}: TracerPid ${strace.pid} (strace)`])
    expect(a.verdict).toBe('blocked')
  })

  it('a process under gdb is traced and blocked', async () => {
    const h = await holder(['setsid'])
    const gdb = await start(
      'gdb',
      ['-q', '-nx', '-batch', '-p', String(h.pid), '-ex', 'shell sleep 600'],
      { ready: null, stdio: ['ignore', 'ignore', 'ignore'] }
    )
    running.push(gdb)
    await until(() => isTraced(h.pid), 'gdb to attach', 30_000)
    const a = analyzeNow(h.pid)
    expect(ids(a)).toEqual(['start-time-changes', 'traced'])
    expect(only(a, 'traced').evidence).toEqual([`pid ${h.pid}: TracerPid ${gdb.pid} (gdb)`])
    expect(a.verdict).toBe('blocked')
  })

  it('a process with a controlling pty needs --shell-job', async () => {
    const h = await holder(['ctty'])
    const a = analyzeNow(h.pid)
    expect(ids(a)).toEqual(['start-time-changes', 'tty'])
    const f = only(a, 'tty')
    expect(f).toMatchObject({ severity: 'needs-option', option: '--shell-job' })
    expect(f.evidence).toEqual([expect.stringMatching(/^controlling terminal pts\/\d+$/)])
    expect(a.criuOptions).toEqual(['--shell-job'])
  })

  it('a process that is not a session leader needs --shell-job', async () => {
    const h = await holder([])
    const a = analyzeNow(h.pid)
    expect(ids(a)).toEqual(['start-time-changes', 'tty'])
    expect(only(a, 'tty').evidence).toEqual([
      expect.stringMatching(new RegExp(`^session \\d+, not led by pid ${h.pid}$`))
    ])
  })

  it('a deleted open file is a warning with its size; a large one needs --ghost-limit', async () => {
    const small = join(dir, 'small.tmp')
    const big = join(dir, 'big.tmp')
    const h = await holder(['setsid', 'deleted', small, '100', 'deleted', big, String(2 << 20)])
    const a = analyzeNow(h.pid)
    expect(ids(a)).toEqual(['deleted-file', 'start-time-changes'])
    const found = a.findings.filter((f) => f.id === 'deleted-file')
    expect(found.map((f) => f.severity).sort()).toEqual(['needs-option', 'warning'])
    const warn = found.find((f) => f.severity === 'warning')!
    const ghost = found.find((f) => f.severity === 'needs-option')!
    expect(warn.evidence).toEqual([
      expect.stringMatching(new RegExp(`^fd 3: ${small}.* \\(100 B\\)$`))
    ])
    expect(ghost.evidence).toEqual([
      expect.stringMatching(new RegExp(`^fd 4: ${big}.* \\(2\\.0 MiB\\)$`))
    ])
    expect(ghost.option).toBe('--ghost-limit')
  })

  it('an io_uring fd is an unsupported-fd blocker naming the kind', async () => {
    const h = await holder(['setsid', 'io_uring'])
    const a = analyzeNow(h.pid)
    expect(ids(a)).toEqual(['start-time-changes', 'unsupported-fd'])
    const f = only(a, 'unsupported-fd')
    expect(f).toMatchObject({ severity: 'blocker', evidence: ['fd 3: anon_inode:[io_uring]'] })
    expect(f.message).toContain('io_uring')
    expect(a.verdict).toBe('blocked')
  })

  it('a pidfd of a process outside the tree is an external-pidfd blocker; one of itself is not', async () => {
    const outside = await holder(['setsid', 'pidfd-parent'])
    const a = analyzeNow(outside.pid)
    expect(ids(a)).toEqual(['external-pidfd', 'start-time-changes'])
    const f = only(a, 'external-pidfd')
    expect(f).toMatchObject({
      severity: 'blocker',
      pid: outside.pid,
      evidence: [expect.stringMatching(new RegExp(`^fd 3: pidfd of ${process.pid} \\(`))]
    })
    expect(a.verdict).toBe('blocked')
    const inside = await holder(['setsid', 'pidfd-self'])
    expect(ids(analyzeNow(inside.pid))).toEqual(['start-time-changes'])
  })

  it('a userfaultfd fd is an unsupported-fd blocker naming the kind', async () => {
    const h = await holder(['setsid', 'userfaultfd'])
    const a = analyzeNow(h.pid)
    expect(ids(a)).toEqual(['start-time-changes', 'unsupported-fd'])
    const f = only(a, 'unsupported-fd')
    expect(f).toMatchObject({ severity: 'blocker', evidence: ['fd 3: anon_inode:[userfaultfd]'] })
    expect(f.message).toContain('userfaultfd')
  })

  it('a client of an X11 display socket is a gui-session blocker', async () => {
    const x11 = '/tmp/.X11-unix'
    const made = !existsSync(x11)
    if (made) mkdirSync(x11, { mode: 0o1777 })
    const path = join(x11, `X${900 + (process.pid % 90)}`)
    try {
      const server = await holder(['setsid', 'unix-listen', path])
      const client = await holder(['setsid', 'unix-connect', path])
      await until(
        () => (scan().processes.find((p) => p.pid === server.pid)?.fds.length ?? 0) >= 5,
        'the display server to accept'
      )
      const a = analyzeNow(client.pid)
      expect(ids(a)).toEqual(['external-unix-socket', 'gui-session', 'start-time-changes'])
      const f = only(a, 'gui-session')
      expect(f).toMatchObject({ severity: 'blocker', pid: client.pid })
      expect(f.evidence).toEqual([`fd 3: unix socket ${path} (the X11 display server)`])
      expect(f.message).toContain('X11')
    } finally {
      rmSync(path, { force: true })
      if (made) rmSync(x11, { recursive: true, force: true })
    }
  })

  it('SysV shared memory is a sysv-shm blocker', async () => {
    const h = await holder(['setsid', 'sysv-shm'])
    const a = analyzeNow(h.pid)
    expect(ids(a)).toEqual(['start-time-changes', 'sysv-shm'])
    expect(only(a, 'sysv-shm')).toMatchObject({ severity: 'blocker', pid: h.pid })
    expect(a.verdict).toBe('blocked')
  })

  it('an inotify watch is a warning that events are dropped', async () => {
    const h = await holder(['setsid', 'inotify', dir])
    const a = analyzeNow(h.pid)
    expect(ids(a)).toEqual(['inotify', 'start-time-changes'])
    expect(only(a, 'inotify')).toMatchObject({
      severity: 'warning',
      evidence: ['fd 3: anon_inode:inotify']
    })
    expect(a.verdict).toBe('freezable')
  })

  it('summarizeAll (icebox ps) agrees with analyzeAll on the whole machine', async () => {
    await holder(['setsid', 'tcp-pair', 'child', 'flock', join(dir, 's.lock'), 'child'])
    await holder(['ctty', 'io_uring'])
    const snapshot = scan()
    for (const ctx of [ROOT, { mode: 'user' as const, uid: 0 }]) {
      const summaries = summarizeAll(snapshot, ctx)
      const analyses = analyzeAll(snapshot, ctx)
      expect(summaries.size).toBe(snapshot.processes.length)
      for (const [pid, a] of analyses) {
        const s = summaries.get(pid)!
        expect({ pid, verdict: s.verdict, ids: s.findingIds, options: s.criuOptions }).toEqual({
          pid,
          verdict: a.verdict,
          ids: [...new Set(a.findings.map((f) => f.id))],
          options: a.criuOptions
        })
      }
    }
  })

  it('the test process itself (an ancestor of Icebox’s scan) is self-blocked', () => {
    const a = analyzeNow(process.pid)
    expect(a.findings.some((f) => f.id === 'self' && f.severity === 'blocker')).toBe(true)
    expect(a.verdict).toBe('blocked')
  })
})
