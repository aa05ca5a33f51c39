import type { Command } from 'commander'

import { registerInstallHelper } from './install-helper'
import { registerShow } from './show'
import { registerUninstallHelper } from './uninstall-helper'

/** Adds every subcommand to the program. One line per command module. */
export function registerCommands(program: Command): void {
  void program
  registerInstallHelper(program)
  registerUninstallHelper(program)
  registerShow(program)
}
