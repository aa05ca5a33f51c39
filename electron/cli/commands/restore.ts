/** `icebox restore ID [--json]`: pre-flight, then criu restore; prints the restored root pid. */
import type { Command } from 'commander'

import { restore } from '../../core/engine/restore'
import { checkId } from '../../core/snapshots/store'
import { storeFrom } from './snapshots'

export function registerRestore(program: Command): void {
  program
    .command('restore')
    .description('Bring a frozen process back (prints its pid)')
    .argument('<id>', 'snapshot id (see `icebox snapshots`)')
    .option('--store <dir>', 'snapshot store directory')
    .option('--json', 'print {"rootPid", "manifest"}')
    .action(async (id: string, opts: { store?: string; json?: boolean }) => {
      const store = storeFrom(opts)
      const r = await restore(checkId(id), { store })
      process.stdout.write(opts.json ? JSON.stringify(r, null, 2) + '\n' : `${r.rootPid}\n`)
    })
}
