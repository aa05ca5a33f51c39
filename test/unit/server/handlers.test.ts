import { describe, expect, it } from 'vitest'

import type { JobFinished, JobProgress } from '../../../electron/common/api-types'
import type { EmitEvent } from '../../../electron/common/contract'
import { AppError } from '../../../electron/common/errors'
import type { Analysis, Finding, ProcessInfo, ScanResult } from '../../../electron/common/model'
import {
  displayCommandLine,
  optionFlags,
  presetOptions
} from '../../../electron/server/freeze-plan'
import { createHandlers, type CoreDeps } from '../../../electron/server/handlers'
import { diffRows } from '../../../electron/common/row-delta'
import { countResources, externalPeers, toRow } from '../../../electron/server/process-rows'

const ctx = { transport: 'memory' as const }
const ns = { inode: 1, same: true }

function proc(pid: number, ppid: number, extra: Partial<ProcessInfo> = {}): ProcessInfo {
  return {
    pid,
    ppid,
    pgid: pid,
    sid: pid,
    ttyNr: 0,
    tty: null,
    tpgid: -1,
    name: `p${pid}`,
    cmdline: [`/bin/p${pid}`, '--x'],
    exe: `/bin/p${pid}`,
    exeDeleted: false,
    cwd: '/',
    uid: 0,
    gid: 0,
    uids: null,
    gids: null,
    user: 'root',
    state: 'S',
    threads: 1,
    rssBytes: 1024,
    cpuTimeMs: 0,
    startTicks: 1000 + pid,
    startTime: '2026-11-27T00:00:00.000Z',
    sessionLeader: true,
    kernelThread: false,
    tracerPid: 0,
    capPrm: null,
    capEff: null,
    namespaces: { pid: ns, mnt: ns, net: ns, ipc: ns, user: ns },
    nspid: [pid],
    fds: [],
    locks: [],
    maps: null,
    unreadable: [],
    ...extra
  }
}

const finding = (
  id: Finding['id'],
  severity: Finding['severity'],
  pid: number,
  option?: Finding['option']
): Finding => ({
  id,
  severity,
  pid,
  message: `${id} found. More words.`,
  evidence: ['fd 4: 127.0.0.1:1 -> 127.0.0.1:2'],
  ...(option ? { option } : {})
})

// 10 → 11 (pipe), 11 has a pipe to 20 outside the tree; 30 holds a device.
const scanResult: ScanResult = {
  takenAt: '2026-11-27T00:00:00.000Z',
  selfPid: 1,
  ssAvailable: true,
  durationMs: 5,
  processes: [
    proc(10, 1),
    proc(11, 10, {
      fds: [
        {
          fd: 3,
          kind: 'pipe',
          variant: 'pipe',
          inode: 9,
          path: null,
          end: 'read',
          peers: [{ pid: 20, name: 'p20', fd: 4 }]
        },
        { fd: 0, kind: 'device', devType: 'char', major: 1, minor: 3, path: '/dev/null' },
        { fd: 5, kind: 'device', devType: 'char', major: 1, minor: 11, path: '/dev/kmsg' }
      ]
    }),
    proc(20, 1)
  ]
}

const analyses: Record<number, Analysis> = {
  10: {
    pid: 10,
    verdict: 'needs-options',
    tree: [10, 11],
    findings: [
      finding('tcp-established', 'needs-option', 11, '--tcp-established'),
      finding('children', 'info', 10)
    ],
    criuOptions: ['--tcp-established']
  },
  11: {
    pid: 11,
    verdict: 'blocked',
    tree: [11],
    findings: [finding('device', 'blocker', 11)],
    criuOptions: []
  },
  20: { pid: 20, verdict: 'freezable', tree: [20], findings: [], criuOptions: [] }
}

function deps(over: Partial<CoreDeps> = {}): CoreDeps {
  return {
    uid: 0,
    scan: () => scanResult,
    analyzeAll: () => new Map(Object.entries(analyses).map(([k, v]) => [Number(k), v])),
    analyze: (_s, pid) => {
      const a = analyses[pid]
      if (!a) throw new AppError({ code: 'NO_SUCH_PROCESS', message: 'gone' })
      return a
    },
    privilege: () => 'root',
    systemInfo: async () => {
      throw new Error('unused')
    },
    freeze: async (_req, hooks) => {
      hooks.onProgress({ phase: 'memory', message: 'writing', bytesWritten: 4096 })
      return { snapshotId: '20261127-000000-abcdef', sizeBytes: 8192, frozenMs: 12 }
    },
    listSnapshots: async () => [],
    inspectSnapshot: async () => {
      throw new Error('unused')
    },
    preflight: async () => ({
      ok: false,
      problems: [
        {
          code: 'pid-taken',
          message: 'Process id 10 is taken.',
          remedy: 'Close it.',
          blocking: true
        }
      ]
    }),
    restore: async () => ({ rootPid: 10 }),
    deleteSnapshot: async () => {},
    exportSnapshot: async (id, path) => path ?? `/root/icebox-${id}.tar`,
    importSnapshot: async () => {
      throw new Error('unused')
    },
    ...over
  }
}

function recorder(): { emit: EmitEvent; events: Array<{ name: string; payload: unknown }> } {
  const events: Array<{ name: string; payload: unknown }> = []
  return { emit: (name, payload) => events.push({ name, payload }), events }
}

describe('handlers over CoreDeps', () => {
  it('lists rows with verdicts, finding ids, reasons and resource counts', async () => {
    const h = createHandlers(deps(), recorder().emit)
    const list = await h['processes.list'](undefined, ctx)
    expect(list.rows.map((r) => [r.pid, r.verdict])).toEqual([
      [10, 'needs-options'],
      [11, 'blocked'],
      [20, 'freezable']
    ])
    const r11 = list.rows[1]!
    expect(r11.findingIds).toEqual(['device'])
    expect(r11.reasons).toEqual(['device found. (pid 11)'])
    expect(r11.counts).toEqual({ files: 0, pipes: 1, sockets: 0, locks: 0, devices: 1 })
    expect(JSON.parse(JSON.stringify(list))).toEqual(list)
  })

  it('inspects a process: tree rows, explained findings, external peers', async () => {
    const h = createHandlers(deps(), recorder().emit)
    const d = await h['processes.inspect']({ pid: 10 }, ctx)
    expect(d.tree.map((r) => r.pid)).toEqual([10, 11])
    expect(d.externalPeers).toEqual([{ pid: 20, name: 'p20', fd: 4 }])
    expect(d.findings[0]!.action).toMatch(/adds --tcp-established/)
    await expect(h['processes.inspect']({ pid: 99 }, ctx)).rejects.toMatchObject({
      code: 'NO_SUCH_PROCESS'
    })
  })

  it('plans a freeze: presets from findings with reasons and the command line', async () => {
    const h = createHandlers(deps(), recorder().emit)
    const plan = await h['freeze.plan']({ pid: 10 }, ctx)
    expect(plan.blocked).toBe(false)
    expect(plan.options).toEqual({
      leaveRunning: false,
      tcp: 'keep',
      extUnixSockets: false,
      fileLocks: false,
      shellJob: false,
      linkRemap: false
    })
    expect(plan.commandLine.join(' ')).toContain('--tcp-established --network-lock nftables')
    const blocked = await h['freeze.plan']({ pid: 11 }, ctx)
    expect(blocked.blocked).toBe(true)
    expect(blocked.blockedReasons[0]).toMatch(/device found/)
  })

  it('runs a freeze as a job: progress, then finished with the snapshot', async () => {
    const { emit, events } = recorder()
    const h = createHandlers(deps(), emit)
    const { jobId } = await h['freeze.start'](
      { pid: 10, options: presetOptions(analyses[10]!, 'root').options },
      ctx
    )
    await h.jobs.idle()
    expect(events.map((e) => e.name)).toEqual(['job.progress', 'job.finished'])
    expect((events[0]!.payload as JobProgress).bytesWritten).toBe(4096)
    expect(events[1]!.payload).toMatchObject({
      jobId,
      kind: 'freeze',
      ok: true,
      snapshotId: '20261127-000000-abcdef',
      sizeBytes: 8192
    } satisfies Partial<JobFinished>)
  })

  it('reports a failed freeze with its error and log', async () => {
    const { emit, events } = recorder()
    const err = Object.assign(
      new AppError({ code: 'DUMP_FAILED', message: 'criu failed', why: 'because' }),
      { log: 'Error (criu/x.c:1): boom' }
    )
    const h = createHandlers(deps({ freeze: async () => Promise.reject(err) }), emit)
    await h['freeze.start']({ pid: 10, options: presetOptions(analyses[10]!, 'root').options }, ctx)
    await h.jobs.idle()
    expect(events.at(-1)!.payload).toMatchObject({
      ok: false,
      error: { code: 'DUMP_FAILED', why: 'because' },
      log: 'Error (criu/x.c:1): boom'
    })
  })

  it('cancels a running job', async () => {
    const { emit, events } = recorder()
    const h = createHandlers(
      deps({
        freeze: (_r, hooks) =>
          new Promise((_ok, fail) =>
            hooks.signal.addEventListener('abort', () => fail(new Error('killed')))
          )
      }),
      emit
    )
    const { jobId } = await h['freeze.start'](
      { pid: 10, options: presetOptions(analyses[10]!, 'root').options },
      ctx
    )
    await new Promise((r) => setImmediate(r))
    expect(await h['job.cancel']({ jobId }, ctx)).toEqual({ cancelled: true })
    await h.jobs.idle()
    expect(events.at(-1)!.payload).toMatchObject({ ok: false, error: { code: 'CANCELLED' } })
    expect(await h['job.cancel']({ jobId }, ctx)).toEqual({ cancelled: false })
  })

  it('exports to a default or given .tar path; the contract refuses other paths', async () => {
    const h = createHandlers(deps(), recorder().emit)
    expect(await h['snapshots.export']({ id: 'x' }, ctx)).toEqual({ path: '/root/icebox-x.tar' })
    const { contract } = await import('../../../electron/common/contract')
    const input = contract.methods['snapshots.export'].input
    expect(input.safeParse({ id: '20261127-000000-abcdef', path: '/tmp/a.tar' }).success).toBe(true)
    expect(input.safeParse({ id: '20261127-000000-abcdef', path: 'rel.tar' }).success).toBe(false)
    expect(input.safeParse({ id: '20261127-000000-abcdef', path: '/etc/passwd' }).success).toBe(
      false
    )
    expect(input.safeParse({ id: '../x', path: '/tmp/a.tar' }).success).toBe(false)
  })

  it('refuses a restore whose pre-flight blocks, in words, before any job starts', async () => {
    const { emit, events } = recorder()
    const h = createHandlers(deps(), emit)
    const err = await h['snapshots.restore']({ id: '20261127-000000-abcdef' }, ctx).catch(
      (e: unknown) => e
    )
    expect(err).toMatchObject({
      code: 'RESTORE_PREFLIGHT',
      why: 'Process id 10 is taken.',
      remedy: 'Close it.'
    })
    expect(events).toEqual([])
  })
})

describe('pure helpers', () => {
  it('presets TCP close on the helper path (keeping needs root)', () => {
    const { options, explained } = presetOptions(analyses[10]!, 'helper')
    expect(options.tcp).toBe('close')
    expect(explained.find((e) => e.key === 'tcp')!.flags).toEqual(['--tcp-close'])
  })

  it('builds flags and the display command line', () => {
    const o = {
      leaveRunning: true,
      tcp: 'close' as const,
      extUnixSockets: true,
      fileLocks: true,
      shellJob: true,
      linkRemap: false
    }
    expect(optionFlags(o)).toEqual(['--shell-job', '--tcp-close', '--ext-unix-sk', '--file-locks'])
    expect(displayCommandLine(5, o, '/s')).toEqual([
      'criu',
      'dump',
      '-t',
      '5',
      '-D',
      '/s',
      '-v4',
      '-o',
      'dump.log',
      '--no-default-config',
      '--display-stats',
      '--shell-job',
      '--tcp-close',
      '--ext-unix-sk',
      '--file-locks',
      '-R'
    ])
  })

  it('does not count /dev/null as a device, and finds external peers', () => {
    expect(countResources(scanResult.processes[1]!).devices).toBe(1)
    expect(externalPeers(scanResult, [11]).map((p) => p.pid)).toEqual([20])
    expect(toRow(scanResult.processes[2]!, undefined).verdict).toBe('blocked')
  })

  it('diffs process lists into new rows, patches and removals', () => {
    const a = [toRow(proc(1, 0), undefined), toRow(proc(2, 1), undefined)]
    const b = [toRow(proc(1, 0, { threads: 3 }), undefined), toRow(proc(3, 1), undefined)]
    const d = diffRows(a, b)
    expect(d.upserted.map((r) => r.pid)).toEqual([3])
    expect(d.patched).toEqual([{ pid: 1, threads: 3 }])
    expect(d.removed).toEqual([2])
  })
})
