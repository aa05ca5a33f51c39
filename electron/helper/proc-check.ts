/**
 * Validation of a dump target and every task CRIU would take with it (security-model.md §5.2).
 * In Mode U the kernel's ptrace check at seize time is the real gate; these checks give clear
 * refusals and defence in depth. Everything read from /proc is untrusted: parsers are strict and
 * a missing or odd field refuses.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs'

import { AppError } from '../common/errors'
import type { HeldTask } from './held-tree'
import type { TaskExe } from './image-origin'
import { hostLsm, readTaskLsm } from './image-lsm'

/** PF_KTHREAD in /proc/PID/stat field 9. */
const PF_KTHREAD = 0x00200000
/** AT_SECURE in the aux vector: set for setuid/setgid/file-capability executions. */
const AT_SECURE = 23n
/** Most tasks we walk in one tree before giving up. */
const MAX_TASKS = 4096

export interface StatFacts {
  pid: number
  state: string
  ppid: number
  flags: number
  startTicks: number
}

export interface StatusFacts {
  uids: number[]
  gids: number[]
  tracerPid: number
  capInh: bigint
  capPrm: bigint
  capEff: bigint
  capAmb: bigint
  nspid: number[]
}

/** Parses /proc/PID/stat; the comm may hold spaces and parentheses, so split after the last ')'. */
export function parseStat(text: string): StatFacts | null {
  const close = text.lastIndexOf(')')
  const open = text.indexOf(' (')
  if (close < 0 || open < 0) return null
  const pid = Number(text.slice(0, open))
  const f = text
    .slice(close + 2)
    .trim()
    .split(' ')
  // f[0] is field 3 (state); field N is f[N - 3].
  const state = f[0] ?? ''
  const ppid = Number(f[1])
  const flags = Number(f[6])
  const startTicks = Number(f[19])
  if (![pid, ppid, flags, startTicks].every(Number.isSafeInteger) || !/^[A-Za-z]$/.test(state)) {
    return null
  }
  return { pid, state, ppid, flags, startTicks }
}

/** Parses the fields of /proc/PID/status the checks need. */
export function parseStatus(text: string): StatusFacts | null {
  const field = (name: string): string | undefined => {
    const m = new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(text)
    return m?.[1]?.trim()
  }
  const ints = (v: string | undefined): number[] =>
    v === undefined || v === '' ? [] : v.split(/\s+/).map(Number)
  const cap = (name: string): bigint | null => {
    const v = field(name)
    return v !== undefined && /^[0-9a-f]{16}$/.test(v) ? BigInt('0x' + v) : null
  }
  const uids = ints(field('Uid'))
  const gids = ints(field('Gid'))
  const tracerPid = Number(field('TracerPid'))
  const caps = ['CapInh', 'CapPrm', 'CapEff', 'CapAmb'].map(cap)
  const nspid = ints(field('NSpid'))
  if (uids.length !== 4 || gids.length !== 4 || !Number.isSafeInteger(tracerPid)) return null
  if (caps.some((c) => c === null) || ![...uids, ...gids, ...nspid].every(Number.isSafeInteger)) {
    return null
  }
  const [capInh, capPrm, capEff, capAmb] = caps as bigint[]
  return {
    uids,
    gids,
    tracerPid,
    capInh: capInh as bigint,
    capPrm: capPrm as bigint,
    capEff: capEff as bigint,
    capAmb: capAmb as bigint,
    nspid
  }
}

/** True if the aux vector (pairs of native u64 on x86_64/aarch64) has AT_SECURE != 0. */
export function auxvIsSecure(buf: Buffer): boolean {
  for (let off = 0; off + 16 <= buf.length; off += 16) {
    const type = buf.readBigUInt64LE(off)
    if (type === 0n) return false
    if (type === AT_SECURE) return buf.readBigUInt64LE(off + 8) !== 0n
  }
  // No AT_SECURE entry at all (or truncated): we cannot tell, so treat it as secure.
  return true
}

/** What a task is compared against. */
export interface TaskRules {
  uid: number
  /** The gids the user may hold now. */
  groups: number[]
  /** Pids that must never be dumped: the helper, pkexec, the app and their ancestors. */
  forbidden: Set<number>
}

/** Returns why this task may not be dumped, or null. Pure: takes parsed facts. */
export function taskRefusal(
  stat: StatFacts,
  status: StatusFacts,
  secure: boolean,
  rules: TaskRules
): string | null {
  if (stat.pid <= 1) return 'it is the init process'
  if (stat.flags & PF_KTHREAD || stat.ppid === 2) return 'it is a kernel thread'
  if (stat.state === 'Z' || stat.state === 'X') return 'it has exited (zombie)'
  if (rules.forbidden.has(stat.pid))
    return 'it is Icebox itself, the helper or one of their parents'
  if (status.uids.some((u) => u !== rules.uid)) return 'it runs as another user (or is setuid)'
  if (status.gids.some((g) => !rules.groups.includes(g)))
    return 'it runs with a group you are not in'
  if (status.capInh | status.capPrm | status.capEff | status.capAmb) {
    return 'it holds capabilities (extra privileges)'
  }
  if (secure) return 'it was started from a setuid, setgid or file-capability program'
  if (status.tracerPid !== 0) return 'a debugger or tracer is attached to it'
  if (status.nspid.length !== 1) return 'it runs inside another pid namespace (a container)'
  return null
}

function refuse(pid: number, reason: string, code: 'PERMISSION_DENIED' | 'NOT_FREEZABLE'): never {
  throw new AppError({
    code,
    message: `Process ${pid} cannot be frozen through the helper: ${reason}.`,
    why: 'Without root, Icebox only freezes your own ordinary processes (and their children).',
    remedy:
      code === 'PERMISSION_DENIED'
        ? 'Choose one of your own processes, or run Icebox as root if you administer this machine.'
        : 'Close the cause and try again.'
  })
}

const DENY_REASONS = /another user|group|capabilities|setuid|init|Icebox|kernel/

function readTaskFacts(procDir: string): { stat: StatFacts; status: StatusFacts; secure: boolean } {
  const stat = parseStat(readFileSync(`${procDir}/stat`, 'utf8'))
  const status = parseStatus(readFileSync(`${procDir}/status`, 'utf8'))
  let secure = true
  try {
    secure = auxvIsSecure(readFileSync(`${procDir}/auxv`))
  } catch {
    // Unreadable aux vector (kernel threads, exiting tasks): unknown counts as secure.
  }
  if (!stat || !status) throw new Error(`unreadable ${procDir}`)
  return { stat, status, secure }
}

/** Namespaces a task must share with the helper (CRIU would otherwise dump or nest them). */
const NAMESPACES = ['pid', 'mnt', 'user', 'net', 'ipc', 'uts', 'cgroup', 'time']

/** The namespace links of a task; a kind the kernel lacks (e.g. no ns/time) reads ''. */
function nsIds(procDir: string): string[] {
  return NAMESPACES.map((ns) => {
    try {
      return readlinkSync(`${procDir}/ns/${ns}`)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return ''
      throw e
    }
  })
}

/** What the dump check returns: every pid of the tree and each process's program. */
export interface DumpTree {
  pids: number[]
  /** /proc/PID/exe of each process as read during the check (recorded in the manifest). */
  exes: TaskExe[]
  /** Each process's start time and whether it was stopped, for what follows CRIU (held-tree.ts). */
  held: HeldTask[]
}

/** The helper's own pid and every ancestor up to init: never valid targets. */
export function selfAndAncestors(procRoot = '/proc'): Set<number> {
  const out = new Set<number>([process.pid])
  let pid = process.pid
  for (let i = 0; i < 1000 && pid > 1; i++) {
    const st = parseStat(readFileSync(`${procRoot}/${pid}/stat`, 'utf8'))
    if (!st) break
    pid = st.ppid
    out.add(pid)
  }
  return out
}

/**
 * Checks the target (start time must match) and every thread and descendant; returns all pids
 * of the tree and their programs. Throws NO_SUCH_PROCESS, PERMISSION_DENIED or NOT_FREEZABLE.
 */
export function validateDumpTree(pid: number, startTicks: number, rules: TaskRules): DumpTree {
  const root = `/proc/${pid}`
  let facts
  try {
    facts = readTaskFacts(root)
  } catch {
    throw new AppError({
      code: 'NO_SUCH_PROCESS',
      message: `There is no process ${pid}.`,
      why: 'It may have exited.',
      remedy: 'Refresh the process list and pick it again.'
    })
  }
  if (facts.stat.startTicks !== startTicks) {
    throw new AppError({
      code: 'NO_SUCH_PROCESS',
      message: `Process ${pid} is not the one you chose.`,
      why: 'Its start time differs: the original exited and the pid was reused.',
      remedy: 'Refresh the process list and pick it again.'
    })
  }
  const selfNs = nsIds('/proc/self')
  const lsm = hostLsm()
  const pids: number[] = []
  const exes: TaskExe[] = []
  const held: HeldTask[] = []
  const queue = [pid]
  while (queue.length > 0) {
    const p = queue.shift() as number
    if (pids.includes(p)) continue
    pids.push(p)
    if (pids.length > MAX_TASKS) refuse(pid, 'its process tree is too large', 'NOT_FREEZABLE')
    let tids: string[]
    try {
      tids = readdirSync(`/proc/${p}/task`)
    } catch {
      refuse(pid, `process ${p} of its tree vanished while being checked`, 'NOT_FREEZABLE')
    }
    for (const tid of tids) {
      const dir = `/proc/${p}/task/${tid}`
      let f
      try {
        f = readTaskFacts(dir)
      } catch {
        refuse(pid, `task ${tid} of its tree could not be read`, 'NOT_FREEZABLE')
      }
      if (tid === String(p)) {
        held.push({
          pid: p,
          startTicks: f.stat.startTicks,
          stoppedBefore: /^[Tt]$/.test(f.stat.state)
        })
      }
      // Threads report their own tid as pid; keep the ppid/pid rules on the process.
      const reason = taskRefusal({ ...f.stat, pid: p }, f.status, f.secure, rules)
      if (reason) {
        const what = p === pid ? reason : `its child process ${p}: ${reason}`
        refuse(pid, what, DENY_REASONS.test(reason) ? 'PERMISSION_DENIED' : 'NOT_FREEZABLE')
      }
      if (nsIds(dir).some((id, i) => selfNs[i] !== '' && id !== selfNs[i])) {
        refuse(pid, 'it runs inside another namespace (a container or sandbox)', 'NOT_FREEZABLE')
      }
      for (const c of readFileSync(`${dir}/children`, 'utf8').trim().split(/\s+/)) {
        if (/^[0-9]+$/.test(c)) queue.push(Number(c))
      }
    }
    try {
      exes.push({ pid: p, exe: readlinkSync(`/proc/${p}/exe`), lsm: readTaskLsm(p, lsm) })
    } catch {
      refuse(pid, `the program file of process ${p} could not be read`, 'NOT_FREEZABLE')
    }
  }
  return { pids, exes, held }
}

/** Re-reads the start time: true while `pid` is still the process that was validated. */
export function sameProcess(pid: number, startTicks: number): boolean {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.startTicks === startTicks
  } catch {
    return false
  }
}
