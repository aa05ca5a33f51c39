/**
 * Fast entry for `icebox show`: the same command as in the full CLI (commands/show.ts) bundled
 * alone into dist/icebox-show.mjs, so a one-shot look at a snapshot does not compile the whole
 * CLI (server, analysis, engine…) first. bin/icebox.mjs routes `icebox show …` here when the
 * bundle exists; error output and exit codes are those of main.ts.
 *
 * The plain forms (`show ID`, `show --dir DIR`, with --json / --store) are parsed here directly;
 * anything else (--help, a typo) goes through commander, loaded only then: it is the largest
 * part of this bundle and `icebox show` is benchmarked as a whole command (bench/inspect).
 */
import { AppError, formatError, toErrorData } from '../common/errors'
import { parseShowArgs, runShow } from './commands/show'
import { EXIT } from './exit-codes'

try {
  const parsed = parseShowArgs(process.argv.slice(2))
  if (parsed !== null) {
    const { text, view } = runShow(parsed.id, parsed.opts)
    process.stdout.write(text)
    if (view.status === 'damaged') process.exitCode = EXIT.failure
  } else {
    await runWithCommander()
  }
} catch (err) {
  const data = toErrorData(err)
  if (process.argv.includes('--json')) process.stdout.write(JSON.stringify({ error: data }) + '\n')
  else process.stderr.write(formatError(data) + '\n')
  const code = err instanceof AppError ? err.code : 'INTERNAL'
  process.exit(
    code === 'BAD_INPUT'
      ? EXIT.usage
      : code === 'SNAPSHOT_NOT_FOUND' || code === 'PERMISSION_DENIED'
        ? EXIT.notFound
        : EXIT.failure
  )
}

async function runWithCommander(): Promise<void> {
  const { Command, CommanderError } = await import('commander')
  const { registerShow } = await import('./commands/show')
  const program = new Command()
    .name('icebox')
    .description('Freeze running Linux processes with CRIU and bring them back.')
    .showHelpAfterError()
    .exitOverride()
  registerShow(program)
  try {
    await program.parseAsync(process.argv)
  } catch (err) {
    if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage)
    throw err
  }
}
