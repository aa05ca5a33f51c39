/** `icebox rm ID [--store DIR]`: deletes a snapshot (images, logs, manifest) or a failure record. */
import type { Command } from 'commander'

import { choosePrivilegePath } from '../../core/privilege/path'
import { removeViaHelper } from '../../core/privilege/user-ops'
import { checkId } from '../../core/snapshots/store'
import { storeFrom } from './snapshots'

export function registerRm(program: Command): void {
  program
    .command('rm')
    .description('Delete a snapshot')
    .argument('<id>', 'snapshot id (see `icebox snapshots`)')
    .option('--store <dir>', 'snapshot store directory')
    .option('--json', 'print {"removed": ID}')
    .action(async (id: string, opts: { store?: string; json?: boolean }) => {
      if (choosePrivilegePath() === 'helper' && opts.store === undefined) {
        // The system store is root-owned: the helper deletes the user's own snapshot.
        await removeViaHelper(checkId(id))
      } else storeFrom(opts).remove(checkId(id))
      process.stdout.write(opts.json ? JSON.stringify({ removed: id }) + '\n' : `Removed ${id}.\n`)
    })
}
