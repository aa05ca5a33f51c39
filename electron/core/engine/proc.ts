/**
 * The few /proc facts the engine checks itself, right before and after criu runs (the scan may
 * be a second old by then). Everything read here is untrusted.
 */
import { lstatSync, readFileSync, realpathSync, statSync } from 'node:fs'
import { hostname, release } from 'node:os'

export interface PidStat {
  pid: number
  comm: string
  state: string
  ppid: number
  /** stat field 22: clock ticks after boot. */
  startTicks: number
}

/** Parses /proc/PID/stat text (comm may hold spaces and parentheses). */
export function parseStat(pid: number, text: string): PidStat | null {
  const open = text.indexOf('(')
  const close = text.lastIndexOf(')')
  if (open < 0 || close < open) return null
  const rest = text.slice(close + 2).split(' ')
  // rest[0] is field 3 (state); field N is rest[N - 3].
  const state = rest[0]
  const ppid = Number(rest[1])
  const startTicks = Number(rest[19])
  if (!state || !Number.isFinite(ppid) || !Number.isFinite(startTicks)) return null
  return { pid, comm: text.slice(open + 1, close), state, ppid, startTicks }
}

/** /proc/PID/stat, or null when there is no such process. */
export function readPidStat(pid: number, procRoot = '/proc'): PidStat | null {
  try {
    return parseStat(pid, readFileSync(`${procRoot}/${pid}/stat`, 'utf8'))
  } catch {
    return null
  }
}

/** True when the pid exists and is not a zombie. */
export function isRunning(pid: number): boolean {
  const s = readPidStat(pid)
  return s !== null && s.state !== 'Z' && s.state !== 'X'
}

/** Size of a file, or null when it does not exist. */
export function fileSize(path: string): number | null {
  try {
    return statSync(path).size
  } catch {
    return null
  }
}

/**
 * Who owns the file at `path` and whether the path leads straight to it: false when the path,
 * or a directory on the way, is now a symbolic link (CRIU reopens files by path, and as root it
 * would follow a link to any file). Null when there is no file.
 */
export function fileIdentity(path: string): { uid: number; direct: boolean } | null {
  try {
    const st = lstatSync(path)
    return { uid: st.uid, direct: st.isFile() && realpathSync(path) === path }
  } catch {
    return null
  }
}

/** A text file's contents, or '' when it cannot be read. */
export function readTextFile(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}

/** Facts about this machine recorded in the manifest. */
export function hostFacts(): {
  kernelRelease: string
  hostname: string
  bootId: string
  cpuModel: string
} {
  const cpu = /^model name\s*:\s*(.*)$/m.exec(readTextFile('/proc/cpuinfo'))?.[1] ?? ''
  return {
    kernelRelease: release(),
    hostname: hostname(),
    bootId: readTextFile('/proc/sys/kernel/random/boot_id').trim(),
    cpuModel: cpu.trim()
  }
}
