/** `sudo icebox uninstall-helper [--purge]`: removes the polkit helper and policy (and the store). */
import type { Command } from 'commander'

import { uninstallHelper } from '../../core/privilege/install'

export function registerUninstallHelper(program: Command): void {
  program
    .command('uninstall-helper')
    .description('Remove the polkit helper and its policy (needs root)')
    .option('--purge', "also delete every user's snapshots in /var/lib/icebox")
    .option('--json', 'print the result as JSON')
    .action((opts: { purge?: boolean; json?: boolean }) => {
      const report = uninstallHelper({ purge: opts.purge === true })
      if (opts.json) process.stdout.write(JSON.stringify({ removed: report.installed }) + '\n')
      else process.stdout.write(`removed:\n${report.installed.map((p) => `  ${p}`).join('\n')}\n`)
    })
}
