/**
 * The manifest the helper writes next to a snapshot it stored. Root-owned and written only by the
 * helper, so restore may trust it (the images themselves are still re-checked).
 */
import { closeSync, constants, fstatSync, openSync, readSync, writeSync, fsyncSync } from 'node:fs'
import { join } from 'node:path'

import type { HelperDumpChoices } from '../core/privilege/protocol'
import type { IngestedFile } from './ingest'

export const MANIFEST_NAME = 'manifest.json'

export interface HelperManifest {
  version: 1
  id: string
  name: string
  createdAt: string
  /** How it was made: through the helper as the user (Mode U). */
  mode: 'user'
  uid: number
  source: { pid: number; startTicks: number; comm: string; cmdline: string }
  /** Root task pid recorded in pstree.img (restore gets the same pid back). */
  rootPid: number
  pids: number[]
  choices: HelperDumpChoices
  criuArgv: string[]
  files: IngestedFile[]
  bytes: number
}

export function writeManifest(dir: string, m: HelperManifest): void {
  const fd = openSync(
    join(dir, MANIFEST_NAME),
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    0o600
  )
  try {
    writeSync(fd, JSON.stringify(m, null, 2) + '\n')
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/** Reads a manifest from a root-owned snapshot directory; null when missing or malformed. */
export function readManifest(dir: string): HelperManifest | null {
  let fd: number
  try {
    fd = openSync(join(dir, MANIFEST_NAME), constants.O_RDONLY | constants.O_NOFOLLOW)
  } catch {
    return null
  }
  try {
    const st = fstatSync(fd)
    if (!st.isFile() || st.uid !== 0 || st.size > 4 * 1024 * 1024) return null
    const buf = Buffer.alloc(st.size)
    readSync(fd, buf, 0, st.size, 0)
    const m = JSON.parse(buf.toString('utf8')) as HelperManifest
    return m && m.version === 1 && typeof m.uid === 'number' ? m : null
  } catch {
    return null
  } finally {
    closeSync(fd)
  }
}
