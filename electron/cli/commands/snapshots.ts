/**
 * `icebox snapshots [--json] [--failed] [--store DIR]`: the snapshots in the store (newest
 * first), or the failed dumps with where their logs are. `--json` prints the manifests.
 */
import type { Command } from 'commander'

import { formatBytes } from '../../common/bytes'
import type { FailureRecord, Manifest } from '../../common/snapshot'
import { openStore, type DamagedSnapshot, type SnapshotStore } from '../../core/snapshots/store'
import { maskControls } from '../../common/control-chars'

/** The store named by --store, else ICEBOX_STORE, else the system store of this user. */
export function storeFrom(opts: { store?: string }): SnapshotStore {
  return openStore(opts.store)
}

/** Strips control characters from untrusted text before it reaches a terminal. */
export function safeText(s: string, max = 60): string {
  const clean = maskControls(s)
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean
}

/** Short list of the flags a snapshot was made with. */
export function flagSummary(m: Manifest): string {
  const f = m.flags
  const out: string[] = []
  if (f.shellJob) out.push('-j')
  if (f.fileLocks) out.push('-l')
  if (f.extUnixSk) out.push('ext-unix-sk')
  if (f.tcp) out.push(`tcp-${f.tcp}`)
  if (f.leaveRunning) out.push('kept-running')
  return out.join(',') || '-'
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? []
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd()
    )
    .join('\n')
}

/** Snapshots without a valid manifest: shown (not silently skipped) so they can be removed. */
function printDamaged(list: DamagedSnapshot[]): void {
  for (const d of list) {
    process.stdout.write(
      `${d.id}  DAMAGED: ${safeText(d.reason, 300)}\n  Remove it with \`icebox rm ${d.id}\`.\n`
    )
  }
}

function printSnapshots(list: Manifest[], damaged: DamagedSnapshot[]): void {
  if (list.length === 0) {
    if (damaged.length === 0)
      process.stdout.write('No snapshots yet. Freeze a process with `icebox freeze PID`.\n')
    printDamaged(damaged)
    return
  }
  const rows = [['ID', 'NAME', 'CREATED', 'PID', 'SIZE', 'FLAGS', 'RESTORES']]
  for (const m of list) {
    const ok = m.restores.filter((r) => r.ok).length
    rows.push([
      m.id,
      safeText(m.name, 24),
      m.createdAt.replace('T', ' ').slice(0, 19),
      String(m.source.pid),
      formatBytes(m.sizes.total),
      flagSummary(m),
      String(ok)
    ])
  }
  process.stdout.write(table(rows) + '\n')
  printDamaged(damaged)
}

function printFailed(list: FailureRecord[], store: SnapshotStore): void {
  if (list.length === 0) {
    process.stdout.write('No failed freezes.\n')
    return
  }
  for (const r of list) {
    process.stdout.write(
      `${r.id}  ${r.createdAt.replace('T', ' ').slice(0, 19)}  pid ${r.pid} (${safeText(r.sourceName, 24)})\n` +
        `  ${safeText(r.error.message, 200)}\n` +
        `  log: ${store.failedDir(r.id)}/dump.log\n`
    )
  }
}

export function registerSnapshots(program: Command): void {
  program
    .command('snapshots')
    .description('List the snapshots in the store (or the failed freezes with --failed)')
    .option('--json', 'print the manifests as JSON')
    .option('--failed', 'list failed freezes and where their logs are')
    .option(
      '--store <dir>',
      'snapshot store directory (default: ICEBOX_STORE or /var/lib/icebox/images/UID)'
    )
    .action((opts: { json?: boolean; failed?: boolean; store?: string }) => {
      const store = storeFrom(opts)
      if (opts.failed) {
        const list = store.listFailed()
        if (opts.json) process.stdout.write(JSON.stringify(list, null, 2) + '\n')
        else printFailed(list, store)
        return
      }
      const { snapshots: list, damaged } = store.survey()
      if (opts.json) {
        // The JSON stays a list of valid manifests; damaged ones are named on stderr.
        process.stdout.write(JSON.stringify(list, null, 2) + '\n')
        for (const d of damaged) {
          process.stderr.write(
            `warning: ${safeText(d.reason, 300)} Remove it with \`icebox rm ${d.id}\`.\n`
          )
        }
      } else printSnapshots(list, damaged)
    })
}
