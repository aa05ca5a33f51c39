/**
 * Facts of the running system needed to turn /proc numbers into units: boot time (for start
 * times), clock ticks per second and page size (from the ELF auxiliary vector, so no `getconf`
 * process is spawned), and the user names from /etc/passwd. Read once and cached.
 */
import { readFileSync } from 'node:fs'

import { readText } from './io'
import { parsePasswd } from './passwd'

/** AT_PAGESZ and AT_CLKTCK from <elf.h>. */
const AT_PAGESZ = 6
const AT_CLKTCK = 17

/** Page size and clock ticks from /proc/self/auxv (pairs of little-endian 64-bit words). */
export function parseAuxv(buf: Buffer): { pageSize: number | null; clkTck: number | null } {
  let pageSize: number | null = null
  let clkTck: number | null = null
  for (let off = 0; off + 16 <= buf.length; off += 16) {
    const type = Number(buf.readBigUInt64LE(off))
    const value = Number(buf.readBigUInt64LE(off + 8))
    if (type === 0) break
    if (type === AT_PAGESZ) pageSize = value
    if (type === AT_CLKTCK) clkTck = value
  }
  return { pageSize, clkTck }
}

/** btime from /proc/stat text: seconds since the epoch at boot, or null. */
export function parseBootTime(procStat: string): number | null {
  const at = procStat.indexOf('\nbtime ')
  if (at < 0) return null
  const end = procStat.indexOf('\n', at + 7)
  const n = Number(procStat.slice(at + 7, end < 0 ? undefined : end))
  return Number.isInteger(n) ? n : null
}

/** Boot time in seconds since the epoch (from /proc/stat); 0 if it cannot be read. */
export function readBootTime(procRoot = '/proc'): number {
  const text = readText(`${procRoot}/stat`)
  return typeof text === 'string' ? (parseBootTime(text) ?? 0) : 0
}

export interface UnitFacts {
  clkTck: number
  pageSize: number
}

let units: UnitFacts | null = null

/** Clock ticks per second and page size, defaulting to Linux's usual 100 and 4096. */
export function unitFacts(): UnitFacts {
  if (units) return units
  let clkTck = 100
  let pageSize = 4096
  try {
    const aux = parseAuxv(readFileSync('/proc/self/auxv'))
    if (aux.clkTck && aux.clkTck > 0) clkTck = aux.clkTck
    if (aux.pageSize && aux.pageSize > 0) pageSize = aux.pageSize
  } catch {
    // Keep the defaults: they are right on every Linux platform Icebox targets.
  }
  units = { clkTck, pageSize }
  return units
}

let users: Map<number, string> | null = null

/** uid → user name from /etc/passwd, read once per Icebox process. */
export function userNames(): Map<number, string> {
  if (users) return users
  const text = readText('/etc/passwd')
  users = typeof text === 'string' ? parsePasswd(text) : new Map()
  return users
}
