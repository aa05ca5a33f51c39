/** `icebox import FILE`: verifies an exported archive's checksums and adds it to the store. */
import { resolve } from 'node:path'

import type { Command } from 'commander'

import { importSnapshot } from '../../core/snapshots/archive'
import { storeFrom } from './snapshots'

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('Add a snapshot archive (made by `icebox export`) to the store')
    .argument('<file>', 'archive to read')
    .option('--store <dir>', 'snapshot store directory')
    .option('--json', 'print the manifest')
    .action(async (file: string, opts: { store?: string; json?: boolean }) => {
      const store = storeFrom(opts)
      const m = await importSnapshot(store, resolve(file))
      process.stdout.write(opts.json ? JSON.stringify(m, null, 2) + '\n' : `Imported ${m.id}.\n`)
    })
}
