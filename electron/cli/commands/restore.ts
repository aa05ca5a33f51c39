/** `icebox restore ID [--json]`: pre-flight, then criu restore; prints the restored root pid. */
import type { Command } from 'commander'

import { restore } from '../../core/engine/restore'
import { choosePrivilegePath } from '../../core/privilege/path'
import { restoreViaHelper } from '../../core/privilege/user-ops'
import { checkId } from '../../core/snapshots/store'
import { storeFrom } from './snapshots'

export function registerRestore(program: Command): void {
  program
    .command('restore')
    .description('Bring a frozen process back (prints its pid)')
    .argument('<id>', 'snapshot id (see `icebox snapshots`)')
    .option('--store <dir>', 'snapshot store directory')
    .option('--json', 'print {"rootPid", "manifest", "terminal"}')
    .action(async (id: string, opts: { store?: string; json?: boolean }) => {
      if (choosePrivilegePath() === 'helper' && opts.store === undefined) {
        // Not root: restore through the polkit helper (CRIU runs as you, Mode U).
        const h = await restoreViaHelper(checkId(id))
        process.stdout.write(opts.json ? JSON.stringify(h) + '\n' : `${h.rootPid}\n`)
        return
      }
      const store = storeFrom(opts)
      const r = await restore(checkId(id), { store })
      process.stdout.write(opts.json ? JSON.stringify(r, null, 2) + '\n' : `${r.rootPid}\n`)
      if (r.terminal && !opts.json) {
        process.stderr.write(`It runs in a terminal of its own: ${r.terminal.attach}\n`)
      }
    })
}
