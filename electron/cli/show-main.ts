/**
 * Fast entry for `icebox show`: the same command as in the full CLI (commands/show.ts) bundled
 * alone, so a one-shot look at a snapshot does not compile the whole CLI (server, analysis,
 * engine…) first. Error output and exit codes are those of main.ts.
 *
 * scripts/build-show.mjs bundles this file as CommonJS (dist/icebox-show.cjs) and show-entry.ts
 * runs it with a V8 code cache made at build time; it also runs as an ES module bundle on its
 * own (no top-level await), which is how the tests use it.
 *
 * The plain forms (`show ID`, `show --dir DIR`, with --json / --store) are parsed here directly;
 * anything else (--help, a typo) goes through commander, loaded only then. The output is written
 * with one write(2) to fd 1: creating process.stdout (a tty, file or pipe stream) costs more than
 * decoding a snapshot.
 */
import { writeSync } from 'node:fs'

import { AppError, formatError, toErrorData } from '../common/errors'
import { parseShowArgs, runShow } from './commands/show'
import { EXIT } from './exit-codes'

main().catch(fail)

async function main(): Promise<void> {
  const parsed = parseShowArgs(process.argv.slice(2))
  if (parsed === null) return runWithCommander()
  const started = performance.now()
  const { text, view } = runShow(parsed.id, parsed.opts)
  writeStdout(text)
  // bench/inspect: the cost of the first (and only) decode in a fresh process.
  if (process.env.ICEBOX_SHOW_DEBUG === '1') {
    process.stderr.write(
      `show: decoded and printed in ${(performance.now() - started).toFixed(2)} ms\n`
    )
  }
  if (view.status === 'damaged') process.exitCode = EXIT.failure
}

function fail(err: unknown): never {
  const data = toErrorData(err)
  if (process.argv.includes('--json')) writeStdout(JSON.stringify({ error: data }) + '\n')
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

/**
 * Writes text to fd 1 synchronously. A non-blocking pipe that is full (EAGAIN) gets the rest
 * through process.stdout, which waits for the reader; a closed one (EPIPE) ends quietly.
 */
function writeStdout(text: string): void {
  const bytes = Buffer.from(text)
  let done = 0
  try {
    while (done < bytes.length) done += writeSync(1, bytes, done, bytes.length - done)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'EAGAIN') process.stdout.write(bytes.subarray(done))
    else if (code !== 'EPIPE') throw err
  }
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
