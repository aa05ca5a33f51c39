/**
 * `icebox check PID [--json]`: the analysis of the tree CRIU would take for PID — verdict,
 * findings with what to do, and the criu options they imply. Exit 0 when it can be frozen
 * (maybe with options), 1 when blocked, 2 on a bad pid, 3 when there is no such process.
 */
import { existsSync } from 'node:fs'

import type { Command } from 'commander'

import { AppError } from '../../common/errors'
import type { Analysis, Finding, ScanResult, Severity } from '../../common/model'
import { analyze } from '../../core/analysis/analyze'
import { currentContext, type AnalysisContext } from '../../core/analysis/context'
import { scan } from '../../core/procfs/scan'
import { EXIT } from '../exit-codes'
import { parsePid } from '../parse-pid'
import { maskControls } from '../../common/control-chars'

function noSuchProcess(pid: number): AppError {
  return new AppError({
    code: 'NO_SUCH_PROCESS',
    message: `There is no process with pid ${pid}; run \`icebox ps\` to list processes.`
  })
}

/**
 * Analyses the tree of `pid` from a fresh scan (or the given one).
 * @throws AppError NO_SUCH_PROCESS, or PERMISSION_DENIED when the process's open files cannot
 *   be read at all (someone else's process, as a user): both one line, exit code 3.
 */
export function runCheck(
  pid: number,
  result?: ScanResult,
  ctx: AnalysisContext = currentContext()
): Analysis {
  if (!result && !existsSync(`/proc/${pid}`)) throw noSuchProcess(pid)
  // A one-off command: the worker thread pays for itself on a busy machine (parallel.ts).
  const snapshot = result ?? scan({ parallel: true, fileDetails: false })
  let analysis: Analysis
  try {
    analysis = analyze(snapshot, pid, ctx)
  } catch (err) {
    // The process may exit between the existence check and the scan.
    if (err instanceof AppError && err.code === 'NO_SUCH_PROCESS') throw noSuchProcess(pid)
    throw err
  }
  const root = snapshot.processes.find((p) => p.pid === pid)
  if (ctx.mode === 'user' && root?.unreadable.includes('fd: permission denied')) {
    throw new AppError({
      code: 'PERMISSION_DENIED',
      message: `You may not look inside process ${pid} (it belongs to ${root.user}); run \`sudo icebox check ${pid}\` to check it as root.`
    })
  }
  return analysis
}

const SEVERITY_LABEL: Record<Severity, string> = {
  blocker: 'BLOCKER',
  'needs-option': 'NEEDS OPTION',
  warning: 'WARNING',
  info: 'info'
}

/** What Icebox does about a finding of this severity. */
function whatToDo(f: Finding): string {
  switch (f.severity) {
    case 'blocker':
      return 'This tree cannot be frozen until this is resolved (see above).'
    case 'needs-option': {
      const alt = f.alternatives?.length ? ` (or ${f.alternatives.join(', ')})` : ''
      return `Freeze with ${f.option ?? 'the matching option'}${alt}; \`icebox freeze\` adds it for you.`
    }
    case 'warning':
      return 'The freeze can go ahead; keep this in mind before you restore.'
    default:
      return 'Nothing to do.'
  }
}

const VERDICT_LINE: Record<Analysis['verdict'], string> = {
  freezable: 'can be frozen',
  'needs-options': 'can be frozen with the options below',
  blocked: 'cannot be frozen'
}

/** The human report: verdict, tree, each finding with its reason and what to do. */
export function formatCheck(a: Analysis): string {
  const treeText =
    a.tree.length > 12
      ? `${a.tree.slice(0, 12).join(', ')}, … (${a.tree.length} processes)`
      : a.tree.join(', ')
  const lines = [`pid ${a.pid}: ${VERDICT_LINE[a.verdict]} (${a.verdict})`, `tree: ${treeText}`]
  for (const f of a.findings) {
    lines.push('', `[${SEVERITY_LABEL[f.severity]}] ${f.id} (pid ${f.pid})`, `  ${f.message}`)
    for (const e of f.evidence) lines.push(`    - ${e}`)
    lines.push(`  what to do: ${whatToDo(f)}`)
  }
  lines.push(
    '',
    a.criuOptions.length > 0
      ? `criu options: ${a.criuOptions.join(' ')}`
      : 'criu options: none needed'
  )
  return maskControls(lines.join('\n'), true) + '\n'
}

/** Registers `icebox check`. */
export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('Explain whether a process and its children can be frozen, and how.')
    .argument('<pid>', 'the process to check')
    .option('--json', 'print the analysis as JSON')
    // So that "-5" reaches parsePid as a pid (and gets its one-line answer), not an option.
    .allowUnknownOption()
    .action((pidText: string, opts: { json?: boolean }) => {
      const analysis = runCheck(parsePid(pidText))
      process.stdout.write(
        opts.json ? JSON.stringify(analysis, null, 2) + '\n' : formatCheck(analysis)
      )
      if (analysis.verdict === 'blocked') process.exitCode = EXIT.notFreezable
    })
}
