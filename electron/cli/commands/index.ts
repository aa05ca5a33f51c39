import type { Command } from 'commander'

import { registerDoctor } from './doctor'
import { registerExport } from './export'
import { registerImport } from './import'
import { registerInstallHelper } from './install-helper'
import { registerRestore } from './restore'
import { registerRm } from './rm'
import { registerServe } from './serve'
import { registerShow } from './show'
import { registerSnapshots } from './snapshots'
import { registerUninstallHelper } from './uninstall-helper'

/** Adds every subcommand to the program. One line per command module. */
export function registerCommands(program: Command): void {
  void program
  registerInstallHelper(program)
  registerUninstallHelper(program)
  registerShow(program)
  registerServe(program)
  registerSnapshots(program)
  registerRestore(program)
  registerRm(program)
  registerExport(program)
  registerImport(program)
  registerDoctor(program)
}
