/** `icebox export ID FILE`: writes the snapshot as a tar archive with SHA256SUMS. */
import { resolve } from 'node:path'

import type { Command } from 'commander'

import { exportSnapshot } from '../../core/snapshots/archive'
import { checkId } from '../../core/snapshots/store'
import { storeFrom } from './snapshots'

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('Write a snapshot to a tar archive (with checksums)')
    .argument('<id>', 'snapshot id')
    .argument('<file>', 'archive to write')
    .option('--store <dir>', 'snapshot store directory')
    .option('--json', 'print {"id", "file"}')
    .action(async (id: string, file: string, opts: { store?: string; json?: boolean }) => {
      const store = storeFrom(opts)
      const path = resolve(file)
      await exportSnapshot(store, checkId(id), path)
      process.stdout.write(
        opts.json ? JSON.stringify({ id, file: path }) + '\n' : `Exported ${id} to ${path}.\n`
      )
    })
}
