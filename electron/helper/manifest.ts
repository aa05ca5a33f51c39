/**
 * The manifest the helper writes next to a snapshot it stored: the app's Manifest (so the user's
 * `icebox snapshots` lists it straight from the store) plus a `helper` section. Root-owned and
 * written only by the helper, so restore may trust it (the images themselves are re-checked).
 */
import { execFileSync } from 'node:child_process'
import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  readFileSync,
  readSync,
  fsyncSync
} from 'node:fs'
import { hostname, release } from 'node:os'
import { join } from 'node:path'

import { MANIFEST_FORMAT, type Manifest } from '../common/snapshot'
import type { HelperDumpChoices } from '../core/privilege/protocol'
import { CHILD_ENV, CRIU_PATH } from './criu-argv'
import type { NsIds, TaskExe } from './image-origin'
import { writeAll, type IngestedFile } from './ingest'

export const MANIFEST_NAME = 'manifest.json'

/** What only the helper records: whose it is, and what exactly was stored. */
export interface HelperSection {
  mode: 'user'
  uid: number
  rootPid: number
  pids: number[]
  choices: HelperDumpChoices
  files: IngestedFile[]
  /** Each process's /proc/PID/exe as read before CRIU ran: restore checks the exe links. */
  tasks: TaskExe[]
  /** CRIU's namespace ids of the snapshot (inventory root_ids) as verified at ingest. */
  namespaces: NsIds
}

export type HelperManifest = Manifest & { helper: HelperSection }

function firstLine(path: string, re?: RegExp): string {
  try {
    const text = readFileSync(path, 'utf8')
    const line = re ? (re.exec(text)?.[1] ?? '') : (text.split('\n')[0] ?? '')
    return line.trim().slice(0, 200)
  } catch {
    return ''
  }
}

/** Facts of this machine recorded with every snapshot. */
export function hostFacts(): Pick<
  Manifest,
  'criuVersion' | 'kernelRelease' | 'hostname' | 'bootId' | 'cpuModel'
> {
  let criuVersion: string
  try {
    criuVersion =
      /Version:\s*(\S+)/.exec(
        execFileSync(CRIU_PATH, ['--version'], {
          env: CHILD_ENV,
          encoding: 'utf8',
          timeout: 10_000
        })
      )?.[1] ?? ''
  } catch {
    criuVersion = ''
  }
  return {
    criuVersion,
    kernelRelease: release(),
    hostname: hostname(),
    bootId: firstLine('/proc/sys/kernel/random/boot_id'),
    cpuModel: firstLine('/proc/cpuinfo', /^model name\s*:\s*(.*)$/m)
  }
}

export function writeManifest(dir: string, m: HelperManifest): void {
  const fd = openSync(
    join(dir, MANIFEST_NAME),
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    0o600
  )
  try {
    writeAll(fd, Buffer.from(JSON.stringify(m, null, 2) + '\n'))
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/** Reads a helper manifest from a root-owned snapshot directory; null when missing or malformed. */
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
    const ok =
      m?.format === MANIFEST_FORMAT &&
      m.helper?.mode === 'user' &&
      typeof m.helper.uid === 'number' &&
      Array.isArray(m.helper.files) &&
      typeof m.flags === 'object'
    return ok ? m : null
  } catch {
    return null
  } finally {
    closeSync(fd)
  }
}
