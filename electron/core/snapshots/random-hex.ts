/**
 * Random hex digits from the kernel (/dev/urandom) for names that must not collide (snapshot ids,
 * temporary files). node:crypto would do the same, but loading it costs a one-shot command such
 * as `icebox freeze` ~9 ms of start-up (bench/freeze).
 */
import { closeSync, openSync, readSync } from 'node:fs'

/** `bytes` random bytes as 2 × `bytes` lower-case hex digits. */
export function randomHex(bytes: number): string {
  const buf = Buffer.alloc(bytes)
  const fd = openSync('/dev/urandom', 'r')
  try {
    let got = 0
    while (got < bytes) got += readSync(fd, buf, got, bytes - got, null)
  } finally {
    closeSync(fd)
  }
  return buf.toString('hex')
}
