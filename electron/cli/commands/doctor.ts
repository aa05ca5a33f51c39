/**
 * `icebox doctor [--json]`: what Icebox needs and what it found — criu path, version and
 * `criu check`, features, kernel, network lock, the store and the privilege path.
 */
import { readFileSync, statfsSync } from 'node:fs'
import { release } from 'node:os'

import type { Command } from 'commander'

import { toErrorData, type AppErrorData } from '../../common/errors'
import { FEATURES, findInPath, probeCriu, type CriuProbe } from '../../core/criu/probe'
import { helperStatus, type HelperStatus } from '../../core/privilege/install'
import { choosePrivilegePath } from '../../core/privilege/path'
import { formatBytes } from '../../common/bytes'
import { storeFrom } from './snapshots'

export interface DoctorReport {
  criu: CriuProbe | null
  criuError: AppErrorData | null
  kernel: string
  store: {
    root: string
    ok: boolean
    freeBytes: number | null
    snapshots: number
    error: string | null
  }
  privilege: 'root' | 'helper'
  /** The polkit helper (Mode U): installed, current, pkexec and polkitd present. */
  helper: HelperStatus
  /** tmux, which terminal programs are restored into (engine/terminal.ts); null when missing. */
  tmux: string | null
  /**
   * Whether this process's capability bounding set holds CAP_SYS_RESOURCE: without it, root
   * cannot dump another user's process (CRIU cannot read its resource limits). Null: unknown.
   */
  capSysResource: boolean | null
}

const CAP_SYS_RESOURCE = 24

/** Whether the CapBnd line of a /proc/PID/status text holds capability `cap`; null if absent. */
export function boundingSetHas(status: string, cap: number): boolean | null {
  const hex = /^CapBnd:\s*([0-9a-f]+)$/m.exec(status)?.[1]
  return hex === undefined ? null : ((BigInt('0x' + hex) >> BigInt(cap)) & 1n) === 1n
}

function ownCapSysResource(): boolean | null {
  try {
    return boundingSetHas(readFileSync('/proc/self/status', 'utf8'), CAP_SYS_RESOURCE)
  } catch {
    return null
  }
}

export async function doctorReport(storeDir?: string): Promise<DoctorReport> {
  let criu: CriuProbe | null = null
  let criuError: AppErrorData | null = null
  try {
    criu = await probeCriu()
  } catch (err) {
    criuError = toErrorData(err)
  }
  let store: DoctorReport['store']
  try {
    const s = storeFrom(storeDir === undefined ? {} : { store: storeDir })
    const fs = statfsSync(s.root)
    store = {
      root: s.root,
      ok: true,
      freeBytes: fs.bavail * fs.bsize,
      snapshots: s.list().length,
      error: null
    }
  } catch (err) {
    store = {
      root: storeDir ?? '',
      ok: false,
      freeBytes: null,
      snapshots: 0,
      error: toErrorData(err).message
    }
  }
  return {
    criu,
    criuError,
    kernel: release(),
    store,
    privilege: choosePrivilegePath(),
    helper: helperStatus(),
    tmux: findInPath('tmux'),
    capSysResource: ownCapSysResource()
  }
}

const mark = (ok: boolean): string => (ok ? 'ok  ' : 'FAIL')

function print(r: DoctorReport): void {
  const out: string[] = []
  if (r.criu) {
    out.push(`${mark(true)} criu ${r.criu.version} at ${r.criu.path}`)
    out.push(`${mark(r.criu.checkOk)} criu check${r.criu.checkOk ? ': looks good' : ''}`)
    if (!r.criu.checkOk) out.push(...r.criu.checkOutput.split('\n').map((l) => `       ${l}`))
    const lock = r.criu.networkLock
    out.push(
      `${mark(lock.preferred !== null)} network lock: ${lock.preferred ?? 'none'} (nftables ${lock.nftables ? 'yes' : 'no'}, iptables ${lock.iptables ? 'yes' : 'no'})`
    )
    for (const [name, what] of Object.entries(FEATURES)) {
      out.push(`${r.criu.features[name] ? 'yes ' : 'no  '} ${name}: ${what}`)
    }
  } else if (r.criuError) {
    out.push(`FAIL ${r.criuError.message}`)
    if (r.criuError.remedy) out.push(`     what to do: ${r.criuError.remedy}`)
  }
  out.push(`info kernel ${r.kernel}`)
  out.push(
    r.store.ok
      ? `${mark(true)} store ${r.store.root}: ${r.store.snapshots} snapshot(s), ${formatBytes(r.store.freeBytes ?? 0)} free`
      : `FAIL store ${r.store.root}: ${r.store.error ?? ''}`
  )
  out.push(
    `info privilege: ${r.privilege === 'root' ? 'running as root, criu runs directly' : 'criu runs through the Icebox helper (pkexec)'}`
  )
  const h = r.helper
  const current = (c: boolean | null): string => (c === null ? '' : c ? ', current' : ', OUTDATED')
  out.push(
    `${mark(h.helperInstalled && h.helperCurrent !== false)} helper: ${h.helperInstalled ? `installed${current(h.helperCurrent)}` : 'not installed (sudo icebox install-helper)'}`,
    `${mark(h.policyInstalled && h.policyCurrent !== false)} polkit policy: ${h.policyInstalled ? `installed${current(h.policyCurrent)}` : 'not installed'}`,
    `${mark(h.pkexec)} pkexec ${h.pkexec ? 'present' : 'missing (install the pkexec package)'}`,
    `${mark(h.polkitd)} polkitd ${h.polkitd ? 'present' : 'missing (install the polkitd package)'}`,
    ...h.problems.map((p) => `FAIL helper: ${p}`)
  )
  out.push(
    r.tmux
      ? `${mark(true)} tmux at ${r.tmux}: terminal programs restore into \`tmux -L icebox\``
      : 'warn tmux missing: programs frozen attached to a terminal cannot be restored (apt install tmux)'
  )
  if (r.privilege === 'root' && r.capSysResource === false) {
    out.push(
      "warn root lacks CAP_SYS_RESOURCE here: freezing another user's process as root fails " +
        '(CRIU cannot read its limits); freeze it as its owner through the helper'
    )
  }
  process.stdout.write(out.join('\n') + '\n')
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('Check CRIU, the kernel, the network lock, the store and the privilege path')
    .option('--store <dir>', 'snapshot store directory')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { store?: string; json?: boolean }) => {
      const r = await doctorReport(opts.store)
      if (opts.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n')
      else print(r)
      if (!r.criu || !r.criu.checkOk || !r.store.ok) process.exitCode = 1
    })
}
