/**
 * The `icebox` command line. Each command lives in its own module under commands/ and is
 * registered here; they share the core with the desktop app and `icebox serve`.
 */
import { Command, CommanderError } from 'commander'

import { AppError, formatError, toErrorData } from '../common/errors'
import { registerCommands } from './commands/index'
import { EXIT } from './exit-codes'

const program = new Command()
  .name('icebox')
  .description('Freeze running Linux processes with CRIU and bring them back.')
  .showHelpAfterError()
  .exitOverride()

try {
  await registerCommands(program, process.argv)
  await program.parseAsync(process.argv)
} catch (err) {
  if (err instanceof CommanderError) {
    // commander already printed its message (usage errors, --help, --version).
    process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage)
  }
  const data = toErrorData(err)
  if (process.argv.includes('--json')) {
    process.stdout.write(JSON.stringify({ error: data }) + '\n')
  } else {
    process.stderr.write(formatError(data) + '\n')
  }
  process.exit(err instanceof AppError ? exitCodeFor(err) : EXIT.failure)
}

function exitCodeFor(err: AppError): number {
  switch (err.code) {
    case 'BAD_INPUT':
      return EXIT.usage
    case 'NO_SUCH_PROCESS':
    case 'PERMISSION_DENIED':
    case 'SNAPSHOT_NOT_FOUND':
      return EXIT.notFound
    case 'NOT_FREEZABLE':
      return EXIT.notFreezable
    default:
      return EXIT.failure
  }
}
