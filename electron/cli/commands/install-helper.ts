/**
 * `sudo icebox install-helper`: installs the polkit helper, its policy and the system store, so
 * users can freeze and restore their own processes without running Icebox as root.
 */
import type { Command } from 'commander'

import { absolute, installHelper } from '../../core/privilege/install'

export function registerInstallHelper(program: Command): void {
  program
    .command('install-helper')
    .description(
      'Install the polkit helper so non-root users can freeze their own processes (needs root)'
    )
    .option('--helper <file>', 'helper bundle to install (default: the one shipped with Icebox)')
    .option('--policy <file>', 'polkit policy to install (default: the one shipped with Icebox)')
    .option('--json', 'print the result as JSON')
    .action((opts: { helper?: string; policy?: string; json?: boolean }) => {
      const report = installHelper({
        helperSource: absolute(opts.helper),
        policySource: absolute(opts.policy)
      })
      if (opts.json) process.stdout.write(JSON.stringify(report) + '\n')
      else {
        process.stdout.write(`installed:\n${report.installed.map((p) => `  ${p}`).join('\n')}\n`)
        process.stdout.write(
          'Users can now freeze their own processes (polkit asks for the administrator password;\n' +
            'see /usr/share/doc or assets/linux/50-icebox-example.rules.disabled to relax that).\n'
        )
      }
    })
}
