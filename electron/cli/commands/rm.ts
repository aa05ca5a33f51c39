/** `icebox rm ID [--store DIR]`: deletes a snapshot (images, logs, manifest) or a failure record. */
import type { Command } from 'commander'

import { checkId } from '../../core/snapshots/store'
import { storeFrom } from './snapshots'

export function registerRm(program: Command): void {
  program
    .command('rm')
    .description('Delete a snapshot')
    .argument('<id>', 'snapshot id (see `icebox snapshots`)')
    .option('--store <dir>', 'snapshot store directory')
    .option('--json', 'print {"removed": ID}')
    .action((id: string, opts: { store?: string; json?: boolean }) => {
      const store = storeFrom(opts)
      store.remove(checkId(id))
      process.stdout.write(opts.json ? JSON.stringify({ removed: id }) + '\n' : `Removed ${id}.\n`)
    })
}
