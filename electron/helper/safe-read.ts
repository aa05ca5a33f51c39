/** Reading files a user may have planted or changed, without following links or blocking. */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs'

/** The last `max` bytes of a regular file as text with control characters removed; '' otherwise. */
export function readTailSafe(path: string, max = 4096): string {
  let fd: number
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
  } catch {
    return ''
  }
  try {
    const st = fstatSync(fd)
    if (!st.isFile()) return ''
    const len = Math.min(max, st.size)
    const buf = Buffer.alloc(len)
    const n = readSync(fd, buf, 0, len, st.size - len)
    return sanitise(buf.subarray(0, n).toString('utf8'))
  } finally {
    closeSync(fd)
  }
}

/** Keeps printable text and newlines; strips escape sequences and other control characters. */
export function sanitise(s: string): string {
  return s.replace(/[^\n\x20-\x7e\u00a0-\uffff]/g, '')
}

/** The CRIU error lines of a log tail (what a person needs), at most `n` of them. */
export function errorLines(log: string, n = 6): string {
  return log
    .split('\n')
    .filter((l) => /Error|error/.test(l) && !/rlimit/i.test(l))
    .slice(-n)
    .join('\n')
}
