/**
 * The calling user as the system knows it now: name, primary group, current groups. Asked through
 * NSS (`getent`, `id`) so LDAP/SSSD users work too; both run with a constant environment.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

import { AppError } from '../common/errors'
import { parseUidMin } from './entry'

export interface UserInfo {
  uid: number
  gid: number
  name: string
  /** Current group ids (primary + supplementary). */
  groups: number[]
}

const ENV = { PATH: '/usr/sbin:/usr/bin' }

/** Parses one passwd line from `getent passwd UID`. */
export function parsePasswdLine(line: string, uid: number): { name: string; gid: number } | null {
  const f = line.trim().split(':')
  if (f.length < 7) return null
  const [name, , u, g] = f
  if (!name || !/^[a-z_][a-z0-9_.-]{0,31}\$?$/i.test(name)) return null
  if (Number(u) !== uid || !/^[0-9]+$/.test(g ?? '')) return null
  return { name, gid: Number(g) }
}

/** Looks the user up; throws HELPER_REFUSED for unknown users. */
export function lookupUser(uid: number): UserInfo {
  let line: string
  try {
    line = execFileSync('/usr/bin/getent', ['passwd', String(uid)], {
      env: ENV,
      encoding: 'utf8',
      timeout: 10_000
    })
  } catch {
    line = ''
  }
  const pw = parsePasswdLine(line.split('\n')[0] ?? '', uid)
  if (!pw) {
    throw new AppError({
      code: 'HELPER_REFUSED',
      message: 'The helper refused the caller.',
      why: `User id ${uid} is not a known user.`
    })
  }
  const out = execFileSync('/usr/bin/id', ['-G', '--', pw.name], {
    env: ENV,
    encoding: 'utf8',
    timeout: 10_000
  })
  const groups = out
    .trim()
    .split(/\s+/)
    .filter((s) => /^[0-9]+$/.test(s))
    .map(Number)
  if (!groups.includes(pw.gid)) groups.unshift(pw.gid)
  return { uid, gid: pw.gid, name: pw.name, groups }
}

/** UID_MIN of this system (default 1000). */
export function systemUidMin(): number {
  try {
    return parseUidMin(readFileSync('/etc/login.defs', 'utf8'))
  } catch {
    return 1000
  }
}
