/**
 * `icebox serve`: the web UI and the contract on loopback, for headless boxes (over an SSH
 * tunnel) and for the Chromium tests.
 */
import type { Command } from 'commander'

import { AppError } from '../../common/errors'
import { startIceboxServer } from '../../server/start'

function parsePort(v: string): number {
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new AppError({ code: 'BAD_INPUT', message: `"${v}" is not a port number (0–65535).` })
  }
  return n
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Serve the Icebox UI on http://127.0.0.1 with a one-time token')
    .option('--port <n>', 'port to listen on (0 = any free port)', parsePort, 7420)
    .option(
      '--host <addr>',
      'address to listen on (loopback only unless --allow-remote)',
      '127.0.0.1'
    )
    .option('--allow-remote', 'allow a non-loopback address (prints a warning)', false)
    .option('--store <dir>', 'snapshot store directory')
    .action(async (opts: { port: number; host: string; allowRemote: boolean; store?: string }) => {
      const server = await startIceboxServer({
        host: opts.host,
        port: opts.port,
        allowRemote: opts.allowRemote,
        ...(opts.store ? { store: opts.store } : {}),
        log: (line) => process.stderr.write(line + '\n')
      })
      if (server.warning) process.stderr.write(server.warning + '\n')
      process.stdout.write(`Icebox is listening on ${server.url}\n`)
      process.stdout.write(
        'Open that URL in a browser; the token in it is your key. Ctrl+C stops.\n'
      )
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          void server.close().then(resolve)
        }
        process.once('SIGINT', stop)
        process.once('SIGTERM', stop)
      })
    })
}
