import type { Command } from 'commander'

import { registerCheck } from './check'
import { registerDoctor } from './doctor'
import { registerExport } from './export'
import { registerFreeze } from './freeze'
import { registerImport } from './import'
import { registerInstallHelper } from './install-helper'
import { registerPs } from './ps'
import { registerRestore } from './restore'
import { registerRm } from './rm'
import { registerServe } from './serve'
import { registerShow } from './show'
import { registerSnapshots } from './snapshots'
import { registerUninstallHelper } from './uninstall-helper'

/** Adds every subcommand to the program. One line per command module. */
export function registerCommands(program: Command): void {
  void program
  registerPs(program)
  registerCheck(program)
  registerInstallHelper(program)
  registerUninstallHelper(program)
  registerShow(program)
  registerServe(program)
  registerFreeze(program)
  registerSnapshots(program)
  registerRestore(program)
  registerRm(program)
  registerExport(program)
  registerImport(program)
  registerDoctor(program)
}
