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

/** How many fields after comm the scanner reads (fields 3 to 24). */
const FIELDS = 22

/** The numeric fields of the line being parsed (one scan at a time: synchronous). */
const values: number[] = new Array<number>(FIELDS).fill(0)

/**
 * The number in text[start, end): decimal digits read in place, so that a stat line does not
 * become 50 little strings; anything else goes through Number() (0 when not a finite number).
 */
function fieldNumber(text: string, start: number, end: number): number {
  let i = start
  const negative = text.charCodeAt(i) === 45 /* - */
  if (negative) i++
  let n = 0
  const first = i
  for (; i < end; i++) {
    const digit = text.charCodeAt(i) - 48
    if (digit < 0 || digit > 9) break
    n = n * 10 + digit
  }
  if (i === end && i > first && n <= Number.MAX_SAFE_INTEGER) return negative ? -n : n
  const v = Number(text.slice(start, end))
  return Number.isFinite(v) ? v : 0
}

/** Parses /proc/PID/stat; null when the text is truncated or not a stat line. */
export function parseStat(text: string): StatFields | null {
  const open = text.indexOf('(')
  const close = text.lastIndexOf(')')
  if (open < 0 || close < open) return null
  const pid = Number(text.slice(0, open).trim())
  if (!Number.isInteger(pid)) return null
  // Fields from 3 (state) on, one space apart; index 0 here is field 3.
  let state = '?'
  let start = close + 2
  for (let i = 0; i < FIELDS; i++) {
    if (start > text.length) return null
    let end = text.indexOf(' ', start)
    if (end < 0) {
      if (i < FIELDS - 1) return null
      end = text.length
    }
    if (i === 0) state = text.slice(start, end)
    else values[i] = fieldNumber(text, start, end)
    start = end + 1
  }
  return {
    pid,
    comm: text.slice(open + 1, close),
    state,
    ppid: values[1]!,
    pgid: values[2]!,
    sid: values[3]!,
    ttyNr: values[4]!,
    tpgid: values[5]!,
    flags: values[6]!,
    utime: values[11]!,
    stime: values[12]!,
    threads: values[17]!,
    startTicks: values[19]!,
    rssPages: values[21]!
  }
}

/** True for kernel threads: PF_KTHREAD set, or kthreadd itself and its children. */
export function isKernelThread(st: Pick<StatFields, 'pid' | 'ppid' | 'flags'>): boolean {
  return (st.flags & PF_KTHREAD) !== 0 || st.pid === 2 || st.ppid === 2
}
