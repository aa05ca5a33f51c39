/**
 * Explains a failed CRIU run from its log: picks the first line that is not noise, matches the
 * catalogue and returns what happened, why and what to do. Pure.
 */
import { AppError, type AppErrorCode } from '../../common/errors'
import { CATALOGUE, type CatalogueEntry } from './catalogue'
import { isNoise, normalizeMessage, parseLog, type LogLine } from './log'

export type CriuPhase = 'dump' | 'restore'

export interface Explanation {
  /** Catalogue id (D1…, R1…, ENOSPC) or 'unknown'. */
  id: string
  code: AppErrorCode
  message: string
  why: string
  remedy: string
  /** The CRIU log line the explanation is based on. */
  line: string | null
}

/** How criu ended, when known. */
export interface CriuExit {
  exitCode: number | null
  signal: string | null
}

function applies(entry: CatalogueEntry, phase: CriuPhase): boolean {
  return entry.phase === 'any' || entry.phase === phase
}

function matchLine(line: string, text: string, phase: CriuPhase): CatalogueEntry | undefined {
  const norm = normalizeMessage(line)
  return CATALOGUE.find(
    (e) => applies(e, phase) && e.pattern.test(norm) && (!e.requires || e.requires.test(text))
  )
}

function fromEntry(entry: CatalogueEntry, raw: string, phase: CriuPhase): Explanation {
  return {
    id: entry.id,
    code: entry.code ?? (phase === 'dump' ? 'DUMP_FAILED' : 'RESTORE_FAILED'),
    message: entry.message(raw),
    why: entry.why,
    remedy: entry.remedy,
    line: raw
  }
}

/** The first Error line that is not noise, if any. */
export function firstRealError(lines: LogLine[]): LogLine | undefined {
  return lines.find((l) => l.level === 'Error' && !isNoise(l.message))
}

/**
 * Explains a CRIU log. Order: a full disk anywhere wins (every later line is a consequence);
 * then the first non-noise error line if the catalogue knows it; then any known line (some
 * causes are logged as Warn or on plain lines before the error); else the first error as is.
 */
export function explainLog(text: string, phase: CriuPhase, exit?: CriuExit): Explanation {
  const lines = parseLog(text)
  const nospace = lines.find((l) => /No space left on device/.test(l.message))
  const enospc = CATALOGUE.find((e) => e.id === 'ENOSPC')
  if (nospace && enospc) return fromEntry(enospc, nospace.message, phase)

  const real = firstRealError(lines)
  if (real) {
    const entry = matchLine(real.message, text, phase)
    if (entry) return fromEntry(entry, real.message, phase)
  }
  for (const l of lines) {
    const entry = matchLine(l.message, text, phase)
    if (entry) return fromEntry(entry, l.message, phase)
  }
  // Messages printed without the log prefix (e.g. "Task attached to shell terminal").
  for (const raw of text.split('\n')) {
    if (parseLogLineLike(raw)) continue
    const entry = matchLine(raw, text, phase)
    if (entry && entry.id !== 'ENOSPC') return fromEntry(entry, raw, phase)
  }
  return generic(real?.message ?? null, phase, exit)
}

function parseLogLineLike(raw: string): boolean {
  return /\b(?:Error|Warn)\s+\(/.test(raw)
}

function generic(line: string | null, phase: CriuPhase, exit?: CriuExit): Explanation {
  const what = phase === 'dump' ? 'The freeze failed.' : 'The restore failed.'
  const code: AppErrorCode = phase === 'dump' ? 'DUMP_FAILED' : 'RESTORE_FAILED'
  if (exit?.signal && !line) {
    return {
      id: 'killed',
      code,
      message: `${what} CRIU was stopped by ${exit.signal}.`,
      why: 'CRIU did not finish: it was cancelled, timed out or was killed.',
      remedy: 'Try again; the full log is kept with the failure record.',
      line: null
    }
  }
  return {
    id: 'unknown',
    code,
    message: line
      ? `${what} CRIU said: ${line}`
      : `${what} CRIU exited with code ${exit?.exitCode ?? '?'}.`,
    why: 'Icebox does not know this CRIU error yet.',
    remedy:
      'Read the full log (icebox snapshots --failed shows where it is) for the lines before it.',
    line
  }
}

/** The explanation as an AppError, with the log location in `detail`. */
export function explanationError(e: Explanation, logPath: string | null): AppError {
  const detail = [e.line ? `criu: ${e.line}` : null, logPath ? `log: ${logPath}` : null]
    .filter(Boolean)
    .join('\n')
  return new AppError({ code: e.code, message: e.message, why: e.why, remedy: e.remedy, detail })
}
