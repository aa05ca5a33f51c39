/**
 * A synthetic backend for UI tests and the UI benchmark: N processes in a plausible tree, with
 * every contract method answered from that data. Real-core behaviour is covered by the e2e tests
 * against `icebox serve`; this exists for the sizes and error paths a real machine cannot give
 * on demand (5 000 processes, a process vanishing at a chosen moment, a failing list).
 */
import type { ProcessList, ProcessRow } from '../../../electron/common/api-types'
import type { Handlers } from '../../../electron/common/contract'
import { AppError, type AppErrorData } from '../../../electron/common/errors'
import type { ProcessInfo, Verdict } from '../../../electron/common/model'
import { answerList, createLiveLists } from '../../../electron/server/live-list'

const NAMES = [
  'bash',
  'node',
  'python3',
  'postgres',
  'nginx',
  'sleep',
  'make',
  'cc1',
  'java',
  'sshd'
]
const VERDICTS: Verdict[] = ['freezable', 'freezable', 'needs-options', 'blocked']

/** Deterministic rows: pid 1 at the root, then children spread over earlier pids. */
export function syntheticRows(n: number, seed = 1): ProcessRow[] {
  let s = seed
  const rand = (): number => {
    s = (s * 1103515245 + 12345) & 0x7fffffff
    return s / 0x7fffffff
  }
  const rows: ProcessRow[] = []
  const boot = Date.parse('2026-11-26T08:00:00Z')
  for (let i = 0; i < n; i++) {
    const pid = i + 1
    const ppid = pid === 1 ? 0 : Math.max(1, Math.floor(rand() * Math.min(pid - 1, 60 + pid / 8)))
    const name = NAMES[Math.floor(rand() * NAMES.length)] ?? 'proc'
    const verdict = pid === 1 ? 'blocked' : (VERDICTS[Math.floor(rand() * 4)] ?? 'freezable')
    rows.push({
      pid,
      ppid,
      name,
      command: `/usr/bin/${name} --worker ${pid}`,
      user: pid % 3 === 0 ? 'root' : 'alice',
      uid: pid % 3 === 0 ? 0 : 1000,
      state: rand() > 0.9 ? 'R' : 'S',
      startTime: new Date(boot + pid * 1000).toISOString(),
      startTicks: 100 + pid * 100,
      rssBytes: Math.floor(rand() * 500e6),
      threads: 1 + Math.floor(rand() * 8),
      kernelThread: false,
      counts: {
        files: Math.floor(rand() * 20),
        pipes: Math.floor(rand() * 3),
        sockets: Math.floor(rand() * 4),
        locks: rand() > 0.95 ? 1 : 0,
        devices: verdict === 'blocked' ? 1 : 0
      },
      verdict,
      findingIds: verdict === 'blocked' ? ['device'] : verdict === 'needs-options' ? ['tty'] : [],
      reasons:
        verdict === 'blocked'
          ? ['An open device (/dev/sda) cannot be saved by CRIU.']
          : verdict === 'needs-options'
            ? ['Has a controlling terminal: needs --shell-job.']
            : []
    })
  }
  return rows
}

function infoFor(r: ProcessRow): ProcessInfo {
  const ns = { inode: 1, same: true }
  return {
    pid: r.pid,
    ppid: r.ppid,
    pgid: r.pid,
    sid: r.pid,
    ttyNr: 0,
    tty: null,
    tpgid: -1,
    name: r.name,
    cmdline: r.command.split(' '),
    exe: `/usr/bin/${r.name}`,
    exeDeleted: false,
    cwd: '/home/alice',
    uid: r.uid,
    gid: r.uid,
    uids: null,
    gids: null,
    user: r.user,
    state: r.state,
    threads: r.threads,
    rssBytes: r.rssBytes,
    cpuTimeMs: 0,
    startTicks: r.startTicks,
    startTime: r.startTime,
    sessionLeader: true,
    kernelThread: false,
    tracerPid: 0,
    capPrm: null,
    capEff: null,
    namespaces: { pid: ns, mnt: ns, net: ns, ipc: ns, user: ns },
    nspid: [r.pid],
    fds: [
      { fd: 0, kind: 'file', path: '/dev/null', flags: 0, pos: 0, deleted: false, size: 0 },
      {
        fd: 3,
        kind: 'pipe',
        variant: 'pipe',
        inode: 4000 + r.pid,
        path: null,
        end: 'write',
        peers: r.ppid > 0 ? [{ pid: r.ppid, name: 'parent', fd: 4 }] : []
      }
    ],
    locks: [],
    maps: null,
    unreadable: []
  }
}

export interface FakeBackend {
  handlers: Handlers
  /** Replace the rows (e.g. a process vanishes). */
  setRows(rows: ProcessRow[]): void
  /** Make processes.list fail with this error until cleared. */
  failList(e: AppErrorData | null): void
  /** Stops the live pushes (processes.watch timers). */
  stop(): void
}

/** Handlers over synthetic rows. */
export function createFakeBackend(rows: ProcessRow[]): FakeBackend {
  let current = rows
  let listError: AppErrorData | null = null
  // The same live lists as the real handlers, over the synthetic rows.
  const live = createLiveLists(
    (): ProcessList => {
      if (listError) throw new AppError(listError)
      return {
        takenAt: new Date().toISOString(),
        durationMs: 12,
        selfPid: 1,
        uid: 1000,
        rows: current
      }
    },
    { shareMs: 0 }
  )
  const find = (pid: number): ProcessRow => {
    const r = current.find((x) => x.pid === pid)
    if (!r)
      throw new AppError({ code: 'NO_SUCH_PROCESS', message: `Process ${pid} is not running.` })
    return r
  }
  const details = (pid: number) => {
    const r = find(pid)
    return {
      process: infoFor(r),
      row: r,
      analysis: { pid, verdict: r.verdict, tree: [pid], findings: [], criuOptions: [] },
      findings: [],
      tree: [r],
      externalPeers: []
    }
  }
  const handlers: Handlers = {
    'system.info': async () => ({
      hostname: 'fake',
      kernel: '6.18.0',
      uid: 1000,
      user: 'alice',
      iceboxVersion: '0.1.0',
      criu: {
        found: true,
        path: '/usr/sbin/criu',
        version: '4.2.1',
        versionOk: true,
        features: [],
        problem: null
      },
      privilege: { mode: 'root', summary: 'Running as root.', howTo: null },
      store: { root: '/var/lib/icebox', snapshots: 0, bytes: 0, freeBytes: null }
    }),
    'processes.list': async (input, ctx) => answerList(live, input, ctx.connection),
    'processes.watch': async (options, ctx) => {
      if (!ctx.connection) throw new AppError({ code: 'UNAVAILABLE', message: 'No connection.' })
      return { watching: live.watch(ctx.connection, options) }
    },
    'processes.inspect': async ({ pid }) => details(pid),
    'freeze.plan': async ({ pid }) => {
      const d = details(pid)
      return {
        pid,
        startTicks: d.row.startTicks,
        name: `${d.row.name}-snap`,
        verdict: d.row.verdict,
        blocked: d.row.verdict === 'blocked',
        blockedReasons: d.row.reasons,
        tree: [d.row],
        externalPeers: [],
        findings: [],
        options: {
          leaveRunning: false,
          tcp: 'none',
          extUnixSockets: false,
          fileLocks: false,
          shellJob: false,
          linkRemap: false
        },
        explained: [],
        commandLine: ['criu', 'dump', '-t', String(pid)],
        privilege: 'root'
      }
    },
    'freeze.start': async () => ({ jobId: 'job-1' }),
    'job.cancel': async () => ({ cancelled: true }),
    'snapshots.list': async () => [],
    'snapshots.inspect': async () => {
      throw new AppError({ code: 'SNAPSHOT_NOT_FOUND', message: 'No such snapshot.' })
    },
    'snapshots.preflight': async () => ({ ok: true, problems: [] }),
    'snapshots.restore': async () => ({ jobId: 'job-2' }),
    'snapshots.delete': async () => ({ deleted: true }),
    'snapshots.export': async ({ id }) => ({ path: `/tmp/icebox-${id}.tar` }),
    'snapshots.import': async () => {
      throw new AppError({ code: 'BAD_INPUT', message: 'No import in the fake backend.' })
    }
  }
  return {
    handlers,
    setRows: (r) => (current = r),
    failList: (e) => (listError = e),
    stop: () => live.stop()
  }
}
