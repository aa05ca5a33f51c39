/**
 * `icebox freeze PID [--keep-running] [--name NAME] [--tcp-close|--tcp-established] [--store DIR]
 * [--yes] [--json]`: shows the plan (flags, warnings), asks on a terminal unless --yes, runs criu
 * and prints the snapshot id (or the manifest with --json). A blocked tree is refused with its
 * reasons (exit 1).
 */
import { dirname } from 'node:path'

import type { Command } from 'commander'

import { AppError } from '../../common/errors'
import type { DumpChoices } from '../../common/snapshot'
import { SNAPSHOT_NAME_RULE, snapshotNameProblem } from '../../common/snapshot-name'
import { dumpArgv } from '../../core/criu/argv'
import type { CriuProgress } from '../../core/criu/run'
import { prepareFreeze, runFreeze, type PreparedFreeze } from '../../core/engine/freeze'
import { choosePrivilegePath } from '../../core/privilege/path'
import { freezeViaHelper } from '../../core/privilege/user-ops'
import { openStore } from '../../core/snapshots/store'
import { parsePid } from '../parse-pid'
import { safeText, storeFrom } from './snapshots'

interface FreezeCliOptions {
  keepRunning?: boolean
  name?: string
  tcpClose?: boolean
  tcpEstablished?: boolean
  linkRemap?: boolean
  ghostLimit?: string
  store?: string
  yes?: boolean
  json?: boolean
}

/** Snapshot names are labels: the one rule of common/snapshot-name; returns the trimmed name. */
export function parseName(name: string): string {
  const trimmed = name.trim()
  const problem = snapshotNameProblem(trimmed)
  if (problem !== null) {
    throw new AppError({
      code: 'BAD_INPUT',
      message: `${SNAPSHOT_NAME_RULE} This one: ${problem}.`,
      remedy: 'Choose another --name.'
    })
  }
  return trimmed
}

/** The person's choices from the command line. */
export function choicesFrom(o: FreezeCliOptions): DumpChoices {
  if (o.tcpClose && o.tcpEstablished) {
    throw new AppError({
      code: 'BAD_INPUT',
      message: 'Choose either --tcp-close or --tcp-established, not both.'
    })
  }
  const choices: DumpChoices = { keepRunning: Boolean(o.keepRunning) }
  if (o.tcpClose) choices.tcp = 'close'
  if (o.tcpEstablished) choices.tcp = 'established'
  if (o.linkRemap) choices.linkRemap = true
  if (o.ghostLimit !== undefined) {
    const n = Number(o.ghostLimit)
    if (!/^\d+$/.test(o.ghostLimit) || !Number.isSafeInteger(n) || n <= 0) {
      throw new AppError({ code: 'BAD_INPUT', message: '--ghost-limit takes a size in bytes.' })
    }
    choices.ghostLimitBytes = n
  }
  return choices
}

/** The plan in words, for the terminal. */
export function describePlan(p: PreparedFreeze, storeRoot: string): string {
  const { plan, root } = p
  const lines = [
    `Freeze ${root.pid} (${safeText(root.name, 30)}): ${safeText(root.cmdline.join(' '), 100)}`,
    `  processes: ${plan.tree.join(', ')}`,
    `  after the snapshot: ${plan.leaveRunning ? 'keeps running' : 'stops (the snapshot is the only copy)'}`,
    `  criu ${dumpArgv(plan, { imagesDir: `${storeRoot}/.tmp-ID` }, 'root').join(' ')}`
  ]
  for (const f of p.analysis.findings.filter((x) => x.severity === 'needs-option')) {
    lines.push(`  option ${f.option ?? ''}: ${f.message}`)
  }
  for (const w of plan.warnings) lines.push(`  warning: ${w}`)
  return lines.join('\n')
}

async function confirm(question: string): Promise<boolean> {
  // Loaded only when there is someone to ask (`--yes` needs no readline).
  const { createInterface } = await import('node:readline/promises')
  const rl = createInterface({ input: process.stdin, output: process.stderr })
  try {
    const answer = await rl.question(question)
    return /^y(es)?$/i.test(answer.trim())
  } finally {
    rl.close()
  }
}

function progressPrinter(): (p: CriuProgress) => void {
  let last = ''
  return (p) => {
    const line = `${p.message} (${(p.elapsedMs / 1000).toFixed(1)} s)`
    if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${line}`)
    else if (p.phase !== last) process.stderr.write(`${line}\n`)
    last = p.phase
    if (p.phase === 'done' && process.stderr.isTTY) process.stderr.write('\n')
  }
}

export function registerFreeze(program: Command): void {
  program
    .command('freeze')
    .description('Freeze a process tree into a snapshot (prints the snapshot id)')
    .argument('<pid>', 'process id (see `icebox ps`)')
    .option('--keep-running', 'keep the process running after the snapshot (criu --leave-running)')
    .option('--name <name>', 'a label for the snapshot')
    .option('--tcp-close', 'drop established TCP connections (the program sees them closed)')
    .option('--tcp-established', 'keep established TCP connections (root; restorable once)')
    .option('--link-remap', 'allow criu --link-remap (leaves link_remap.N files on disk)')
    .option('--ghost-limit <bytes>', 'largest deleted-but-open file to copy into the snapshot')
    .option(
      '--store <dir>',
      'snapshot store directory (default: ICEBOX_STORE or /var/lib/icebox/images/UID)'
    )
    .option('--yes', 'do not ask; freeze right away')
    .option('--json', 'print the manifest as JSON')
    .action(async (pidText: string, opts: FreezeCliOptions) => {
      const pid = parsePid(pidText)
      const choices = choicesFrom(opts)
      const name = opts.name === undefined ? undefined : parseName(opts.name)
      // Not root (and no --store): the polkit helper stores it in /var/lib/icebox (Mode U).
      const viaHelper = choosePrivilegePath() === 'helper' && opts.store === undefined
      const store = viaHelper ? null : storeFrom(opts)
      const prepared = await prepareFreeze({ pid, choices, ...(name && { name }) })
      if (!opts.yes) {
        process.stderr.write(
          describePlan(prepared, store?.root ?? '/var/lib/icebox/images/UID') + '\n'
        )
        if (!process.stdin.isTTY) {
          throw new AppError({
            code: 'BAD_INPUT',
            message: 'Not freezing without a confirmation.',
            why: 'There is no terminal to ask on.',
            remedy: 'Check the plan above and run the command again with --yes.'
          })
        }
        if (!(await confirm('Freeze now? [y/N] '))) {
          throw new AppError({ code: 'CANCELLED', message: 'Nothing was frozen.' })
        }
      } else if (!opts.json) {
        for (const w of prepared.plan.warnings) process.stderr.write(`warning: ${w}\n`)
      }
      if (!store) {
        const r = await freezeViaHelper(prepared.plan, prepared.root.startTicks, name)
        const stored = opts.json ? openStore(dirname(r.dir)).get(r.id) : null
        process.stdout.write(stored ? JSON.stringify(stored, null, 2) + '\n' : `${r.id}\n`)
        return
      }
      const manifest = await runFreeze(
        prepared,
        { pid, choices, store, ...(name && { name }) },
        { onProgress: opts.json ? undefined : progressPrinter() }
      )
      process.stdout.write(
        opts.json ? JSON.stringify(manifest, null, 2) + '\n' : `${manifest.id}\n`
      )
    })
}
