/**
 * /proc/PID/status: "Key:\tvalue" lines. Only the keys CRIU's pre-flight needs are read, by
 * direct lookup instead of splitting every line (this runs once per process).
 */

export type IdQuad = [number, number, number, number]

/** The fields of /proc/PID/status the scanner uses. */
export interface StatusFields {
  /** Real, effective, saved, filesystem. */
  uids: IdQuad | null
  gids: IdQuad | null
  tracerPid: number
  threads: number | null
  /** NSpid levels, outermost first. */
  nspid: number[]
  /** Hex capability masks, null when absent. */
  capPrm: string | null
  capEff: string | null
}

/** The value of "Key:" (without surrounding whitespace), or null when the key is missing. */
function field(text: string, key: string): string | null {
  let at = text.startsWith(key + ':') ? 0 : text.indexOf('\n' + key + ':')
  if (at < 0) return null
  if (at > 0) at += 1
  const start = at + key.length + 1
  const end = text.indexOf('\n', start)
  return text.slice(start, end < 0 ? text.length : end).trim()
}

function numbers(value: string | null): number[] {
  if (value === null || value === '') return []
  const out: number[] = []
  for (const part of value.split(/\s+/)) {
    const n = Number(part)
    if (Number.isInteger(n)) out.push(n)
  }
  return out
}

function quad(value: string | null): IdQuad | null {
  const n = numbers(value)
  return n.length === 4 ? [n[0]!, n[1]!, n[2]!, n[3]!] : null
}

/** Parses /proc/PID/status; missing keys give null/0/[] (truncated text is not an error). */
export function parseStatus(text: string): StatusFields {
  const tracer = Number(field(text, 'TracerPid'))
  const threads = field(text, 'Threads')
  return {
    uids: quad(field(text, 'Uid')),
    gids: quad(field(text, 'Gid')),
    tracerPid: Number.isInteger(tracer) ? tracer : 0,
    threads: threads === null || !/^\d+$/.test(threads) ? null : Number(threads),
    nspid: numbers(field(text, 'NSpid')),
    capPrm: field(text, 'CapPrm'),
    capEff: field(text, 'CapEff')
  }
}
