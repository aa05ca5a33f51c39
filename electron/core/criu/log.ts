/**
 * Parses CRIU's `-v4 -o` log lines (criu-in-practice.md §4.1). Pure. The log is untrusted text:
 * lines are only matched, never executed or rendered as markup.
 */

export type LogLevel = 'Error' | 'Warn'

export interface LogLine {
  /** Seconds since criu started, when the line had a timestamp. */
  time: number | null
  level: LogLevel
  /** Source file of CRIU that logged it, e.g. "criu/files-reg.c". */
  source: string
  message: string
  /** The raw line. */
  raw: string
}

/** The suggested regex of §4.1 (Warn lines use two spaces, parasite lines start with "pie:"). */
const LINE_RE =
  /^(?:\((?<t>\d+\.\d+)\)\s+)?(?:(?<pid>\d+): )?(?:pie: \d+: )?(?<lvl>Error|Warn)\s+\((?<src>[^:]+):(?<line>\d+)\): (?<msg>.*)$/

/** Parses one line; null for lines that are not Error/Warn lines. */
export function parseLogLine(raw: string): LogLine | null {
  const m = LINE_RE.exec(raw.trimEnd())
  if (!m?.groups) return null
  const g = m.groups
  return {
    time: g.t === undefined ? null : Number(g.t),
    level: g.lvl as LogLevel,
    source: g.src ?? '',
    message: g.msg ?? '',
    raw
  }
}

/** Every Error and Warn line of a log, in order. */
export function parseLog(text: string): LogLine[] {
  const out: LogLine[] = []
  for (const raw of text.split('\n')) {
    const line = parseLogLine(raw)
    if (line) out.push(line)
  }
  return out
}

/** Lines that appear on every run or only trail the real cause (§4.1). */
const NOISE: RegExp[] = [
  /rlimit: Can't setup RLIMIT_NOFILE/,
  /Will restore .* with interrupted system call/,
  /^Dump files \(pid: \d+\) failed with -?\d+/,
  /^Unable to open fd=\d+ id=/,
  /Dumping FAILED/,
  /Restoring FAILED/,
  /Hardware breakpoints don't seem to work/
]

/** True for a line that says nothing about why a run failed. */
export function isNoise(message: string): boolean {
  return NOISE.some((re) => re.test(message))
}

/** Replaces volatile numbers (pids, inodes, sizes, addresses) so messages can be matched. */
export function normalizeMessage(message: string): string {
  return message.replace(/0x[0-9a-f]+/gi, 'N').replace(/\d+/g, 'N')
}

/** Success markers CRIU prints at the end of a run. */
export const DUMP_OK_RE = /Dumping finished successfully/
export const RESTORE_OK_RE = /Restore finished successfully/
