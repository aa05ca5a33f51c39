import { describe, expect, it } from 'vitest'

import { AppError } from '../../../electron/common/errors'
import { summarizeAll } from '../../../electron/core/analysis/summary'
import { formatCheck, runCheck } from '../../../electron/cli/commands/check'
import { parsePid } from '../../../electron/cli/parse-pid'
import {
  checkUser,
  countResources,
  formatPsTable,
  runPs,
  selectProcesses,
  shortBytes,
  toPsRow,
  treeOrder
} from '../../../electron/cli/commands/ps'
import {
  ROOT_CONTEXT,
  USER_CONTEXT,
  anon,
  device,
  lock,
  peer,
  pipe,
  proc,
  scanOf,
  tcpSocket,
  unixSocket,
  withFds
} from './builders'

describe('parsePid', () => {
  it.each(['1', '42', ' 4194304 '])('accepts %s', (t) => expect(parsePid(t)).toBe(Number(t)))

  it.each(['0', '-5', 'abc', '12abc', '1.5', '', '4194305', '0x10'])('rejects %j', (t) => {
    expect.assertions(3)
    try {
      parsePid(t)
    } catch (err) {
      expect(err).toBeInstanceOf(AppError)
      expect((err as AppError).code).toBe('BAD_INPUT')
      expect((err as AppError).why).toBeUndefined()
    }
  })
})

describe('icebox ps rows', () => {
  const p = proc(100, {
    cmdline: ['/bin/app', '--flag'],
    fds: withFds(
      pipe(3, 1, []),
      unixSocket(4, { state: 'LISTEN' }),
      tcpSocket(5),
      tcpSocket(6, { proto: 'udp6' }),
      device(7, '/dev/kvm', 10, 232),
      anon(8, 'eventfd')
    ),
    locks: [lock()]
  })

  it('counts resources by kind', () => {
    expect(countResources(p)).toEqual({
      files: 0,
      pipes: 1,
      unixSockets: 1,
      tcp: 1,
      udp: 1,
      locks: 1,
      devices: 4
    })
  })

  it('gives the documented JSON fields', () => {
    const scan = scanOf([p])
    const row = toPsRow(p, summarizeAll(scan, ROOT_CONTEXT).get(100))
    expect(row).toMatchObject({
      pid: 100,
      ppid: 1,
      name: 'proc100',
      cmdline: '/bin/app --flag',
      uid: 1000,
      user: 'alice',
      state: 'S',
      startTime: '2026-11-27T00:00:00.000Z',
      rssBytes: 409600,
      threads: 1,
      verdict: 'blocked',
      findingIds: ['device', 'tcp-established', 'file-lock', 'start-time-changes']
    })
  })

  it('runPs --json writes one array for the selected processes only', () => {
    const scan = scanOf([proc(1, { ppid: 0 }), proc(100, { ppid: 1 }), proc(101, { ppid: 100 })])
    const rows = JSON.parse(runPs({ json: true, filter: '10' }, scan)) as Array<{ pid: number }>
    expect(rows.map((r) => r.pid)).toEqual([100, 101])
    const tree = JSON.parse(runPs({ json: true, tree: true }, scan)) as Array<{
      pid: number
      depth: number
    }>
    expect(tree.map((r) => [r.pid, r.depth])).toEqual([
      [1, 0],
      [100, 1],
      [101, 2]
    ])
  })

  it('rejects --mine together with --user', () => {
    expect(() => runPs({ mine: true, user: 'bob' }, scanOf([]))).toThrow(/either --mine or --user/)
  })
})

describe('checkUser', () => {
  const names = new Map([
    [0, 'root'],
    [1000, 'alice']
  ])

  it('accepts a name of /etc/passwd and any uid', () => {
    expect(() => checkUser('alice', names)).not.toThrow()
    expect(() => checkUser('4000000', names)).not.toThrow()
  })

  it('refuses an unknown name with BAD_INPUT saying how to list users', () => {
    expect(() => checkUser('nosuchuser', names)).toThrow(
      new AppError({
        code: 'BAD_INPUT',
        message:
          'There is no user named "nosuchuser"; run `getent passwd` to list users, or give a uid.'
      })
    )
    expect(() => checkUser('', names)).toThrow(/no user named ""/)
  })
})

describe('selectProcesses', () => {
  const all = [
    proc(100, { user: 'alice', uid: 1000, name: 'vim', cmdline: ['vim', 'notes.txt'] }),
    proc(200, { user: 'bob', uid: 1001, name: 'python3', cmdline: ['python3', 'Server.py'] }),
    proc(300, { user: 'root', uid: 0, name: 'sshd', cmdline: [] })
  ]
  const pids = (o: Parameters<typeof selectProcesses>[1]) =>
    selectProcesses(all, o, 1000).map((p) => p.pid)

  it('filters by owner, user name or uid, and text in name, cmdline or pid', () => {
    expect(pids({})).toEqual([100, 200, 300])
    expect(pids({ mine: true })).toEqual([100])
    expect(pids({ user: 'bob' })).toEqual([200])
    expect(pids({ user: '0' })).toEqual([300])
    expect(pids({ filter: 'server' })).toEqual([200])
    expect(pids({ filter: 'SSH' })).toEqual([300])
    expect(pids({ filter: '100' })).toEqual([100])
  })
})

describe('treeOrder', () => {
  it('puts children under listed parents and orphans of the selection at the top', () => {
    const procs = [
      proc(5, { ppid: 1 }),
      proc(3, { ppid: 1 }),
      proc(7, { ppid: 3 }),
      proc(9, { ppid: 5 }),
      proc(8, { ppid: 3 })
    ]
    expect(treeOrder(procs).map(([p, d]) => `${p.pid}:${d}`)).toEqual([
      '3:0',
      '7:1',
      '8:1',
      '5:0',
      '9:1'
    ])
  })
})

describe('formatPsTable', () => {
  it('prints a header and one line per process, truncated to the width, control chars replaced', () => {
    const p = proc(100, {
      cmdline: ['evil\u001b[31m', 'x'.repeat(300)],
      rssBytes: 12 * 1024 * 1024
    })
    const scan = scanOf([p])
    const out = formatPsTable([[p, 0]], summarizeAll(scan, ROOT_CONTEXT), 120)
    const lines = out.trimEnd().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/^\s+PID USER\s+S STARTED\s+RSS VERDICT\s+FINDINGS\s+COMMAND$/)
    expect(lines[1]!.length).toBeLessThanOrEqual(120)
    expect(lines[1]).toContain('12M')
    expect(lines[1]).toContain('evil?[31m')
    expect(lines[1]).not.toContain('\u001b')
  })

  it('shows notable findings and hides info', () => {
    const p = proc(100, {
      sid: 1,
      fds: withFds(unixSocket(3, { peerInode: 9, peers: [peer(200)] }))
    })
    const scan = scanOf([p, proc(200)])
    const out = formatPsTable([[p, 0]], summarizeAll(scan, ROOT_CONTEXT), null)
    expect(out).toContain('BLOCKED')
    expect(out).toContain('external-unix-socket,tty')
    expect(out).not.toContain('start-time-changes')
  })

  it('rounds sizes', () => {
    expect(shortBytes(512)).toBe('512B')
    expect(shortBytes(1536)).toBe('1.5K')
    expect(shortBytes(300 * 1024 * 1024)).toBe('300M')
  })
})

describe('icebox check', () => {
  it('explains each finding with evidence, what to do and the criu options', () => {
    const scan = scanOf([proc(100, { sid: 1, fds: withFds(tcpSocket(3)) })])
    const text = formatCheck(runCheck(100, scan))
    expect(text).toContain('pid 100: can be frozen with the options below (needs-options)')
    expect(text).toContain('[NEEDS OPTION] tcp-established (pid 100)')
    expect(text).toContain('    - fd 3: 127.0.0.1:40000 -> 127.0.0.1:8080')
    expect(text).toContain('what to do: Freeze with --tcp-established (or --tcp-close)')
    expect(text).toContain('criu options: --tcp-established --shell-job')
  })

  it('gives a one-line PERMISSION_DENIED when a user cannot read the process', () => {
    const scan = scanOf([proc(100, { user: 'bob', unreadable: ['fd: permission denied'] })])
    expect(() => runCheck(100, scan, USER_CONTEXT)).toThrow(
      'You may not look inside process 100 (it belongs to bob); run `sudo icebox check 100` to check it as root.'
    )
    expect(runCheck(100, scan, ROOT_CONTEXT).verdict).toBe('freezable')
  })

  it('gives a one-line NO_SUCH_PROCESS for a pid missing from the scan', () => {
    expect(() => runCheck(4242, scanOf([proc(100)]))).toThrow(
      'There is no process with pid 4242; run `icebox ps` to list processes.'
    )
  })
})
