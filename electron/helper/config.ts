/**
 * /etc/icebox/helper.conf: the administrator's knobs for the helper. It is only trusted when it is
 * a regular file owned by root and not writable by group or others; otherwise it is ignored in
 * favour of the safe defaults (and the helper says so in its result).
 */
import { constants, fstatSync, lstatSync, openSync, closeSync, readSync } from 'node:fs'
import { dirname } from 'node:path'

import { HELPER_CONF } from '../core/privilege/protocol'

export interface HelperConfig {
  /** Extra ambient capabilities for restore (only `setpcap` is accepted; decision 6). */
  extraRestoreCaps: 'setpcap'[]
  /** Most snapshots one user may keep. */
  maxSnapshotsPerUser: number
  /** Most bytes one user's snapshots may take. */
  maxBytesPerUser: number
  /** Free space that must remain on the store's filesystem. */
  minFreeBytes: number
  /** Most dumps one user may start in an hour (rate-limit.ts). */
  maxDumpsPerHour: number
}

export const DEFAULT_CONFIG: HelperConfig = {
  extraRestoreCaps: [],
  maxSnapshotsPerUser: 50,
  maxBytesPerUser: 20 * 1024 ** 3,
  minFreeBytes: 1024 ** 3,
  maxDumpsPerHour: 60
}

const SIZE_RE = /^([0-9]{1,15})\s*([KMGT]?)i?B?$/i

function parseSize(v: string): number | null {
  const m = SIZE_RE.exec(v)
  if (!m) return null
  const mult = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 }[
    (m[2] ?? '').toUpperCase() as '' | 'K' | 'M' | 'G' | 'T'
  ]
  return Number(m[1]) * mult
}

/** Parses `key = value` lines (# comments). Unknown keys and bad values are reported. */
export function parseHelperConf(text: string): { config: HelperConfig; problems: string[] } {
  const config: HelperConfig = { ...DEFAULT_CONFIG, extraRestoreCaps: [] }
  const problems: string[] = []
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.replace(/#.*/, '').trim()
    if (line === '') continue
    const m = /^([a-z_]+)\s*=\s*(.*)$/.exec(line)
    if (!m) {
      problems.push(`line ${i + 1}: not "key = value"`)
      continue
    }
    const [, key, value] = m as unknown as [string, string, string]
    if (key === 'extra_restore_caps') {
      for (const cap of value.split(/[\s,]+/).filter(Boolean)) {
        if (cap.toLowerCase() === 'setpcap') config.extraRestoreCaps = ['setpcap']
        else problems.push(`line ${i + 1}: capability "${cap}" is not allowed`)
      }
    } else if (key === 'max_snapshots_per_user' && /^[0-9]{1,6}$/.test(value)) {
      config.maxSnapshotsPerUser = Number(value)
    } else if (key === 'max_bytes_per_user' && parseSize(value) !== null) {
      config.maxBytesPerUser = parseSize(value) as number
    } else if (key === 'max_dumps_per_hour' && /^[0-9]{1,6}$/.test(value)) {
      config.maxDumpsPerHour = Number(value)
    } else if (key === 'min_free_bytes' && parseSize(value) !== null) {
      config.minFreeBytes = parseSize(value) as number
    } else {
      problems.push(`line ${i + 1}: unknown key or bad value "${key}"`)
    }
  }
  return { config, problems }
}

/** Reads the configuration if it exists and is trustworthy; defaults otherwise. */
export function loadHelperConfig(path = HELPER_CONF): { config: HelperConfig; problems: string[] } {
  // A directory others can write would let them swap the file: then the file is not the admin's.
  try {
    const d = lstatSync(dirname(path))
    if (!d.isDirectory() || d.uid !== 0 || (d.mode & 0o022) !== 0) {
      return {
        config: { ...DEFAULT_CONFIG },
        problems: [`${path} ignored: its directory is not root-owned and writable only by root`]
      }
    }
  } catch {
    return { config: { ...DEFAULT_CONFIG }, problems: [] }
  }
  let fd: number
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
  } catch {
    return { config: { ...DEFAULT_CONFIG }, problems: [] }
  }
  try {
    const st = fstatSync(fd)
    if (!st.isFile() || st.uid !== 0 || (st.mode & 0o022) !== 0 || st.size > 65536) {
      return {
        config: { ...DEFAULT_CONFIG },
        problems: [`${path} ignored: not a root-owned file writable only by root`]
      }
    }
    const buf = Buffer.alloc(st.size)
    const n = readSync(fd, buf, 0, st.size, 0)
    return parseHelperConf(buf.subarray(0, n).toString('utf8'))
  } finally {
    closeSync(fd)
  }
}
