/**
 * /proc/PID/stat: one line, where comm (field 2) may hold spaces and parentheses. The kernel
 * writes comm between the first '(' and the LAST ')', so everything after the last ')' is fixed
 * space-separated numbers.
 */

/** The fields of /proc/PID/stat the scanner uses. */
export interface StatFields {
  pid: number
  comm: string
  state: string
  ppid: number
  pgid: number
  sid: number
  ttyNr: number
  tpgid: number
  /** Kernel task flags (field 9): PF_KTHREAD and friends. */
  flags: number
  utime: number
  stime: number
  threads: number
  startTicks: number
  /** Resident set in pages (field 24). */
  rssPages: number
}

/** PF_KTHREAD from include/linux/sched.h. */
export const PF_KTHREAD = 0x00200000

/** Parses /proc/PID/stat; null when the text is truncated or not a stat line. */
export function parseStat(text: string): StatFields | null {
  const open = text.indexOf('(')
  const close = text.lastIndexOf(')')
  if (open < 0 || close < open) return null
  const pid = Number(text.slice(0, open).trim())
  // Fields from 3 (state) on; index 0 here is field 3.
  const rest = text.slice(close + 2).split(' ')
  if (rest.length < 22 || !Number.isInteger(pid)) return null
  const num = (i: number): number => {
    const v = Number(rest[i])
    return Number.isFinite(v) ? v : 0
  }
  return {
    pid,
    comm: text.slice(open + 1, close),
    state: rest[0] ?? '?',
    ppid: num(1),
    pgid: num(2),
    sid: num(3),
    ttyNr: num(4),
    tpgid: num(5),
    flags: num(6),
    utime: num(11),
    stime: num(12),
    threads: num(17),
    startTicks: num(19),
    rssPages: num(21)
  }
}

/** True for kernel threads: PF_KTHREAD set, or kthreadd itself and its children. */
export function isKernelThread(st: Pick<StatFields, 'pid' | 'ppid' | 'flags'>): boolean {
  return (st.flags & PF_KTHREAD) !== 0 || st.pid === 2 || st.ppid === 2
}
