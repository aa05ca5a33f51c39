import type { Command } from 'commander'

type Registrar = (program: Command) => void

/**
 * Every subcommand, loaded on demand: `icebox ps` must not pay for the server, the engine or the
 * image decoder at start-up (it is benchmarked against lsof, `freeze` against raw criu).
 * scripts/build.mjs bundles with code splitting, so each import() below is its own chunk.
 */
const COMMANDS: Record<string, () => Promise<Registrar>> = {
  ps: async () => (await import('./ps')).registerPs,
  check: async () => (await import('./check')).registerCheck,
  'install-helper': async () => (await import('./install-helper')).registerInstallHelper,
  'uninstall-helper': async () => (await import('./uninstall-helper')).registerUninstallHelper,
  show: async () => (await import('./show')).registerShow,
  serve: async () => (await import('./serve')).registerServe,
  freeze: async () => (await import('./freeze')).registerFreeze,
  snapshots: async () => (await import('./snapshots')).registerSnapshots,
  restore: async () => (await import('./restore')).registerRestore,
  rm: async () => (await import('./rm')).registerRm,
  export: async () => (await import('./export')).registerExport,
  import: async () => (await import('./import')).registerImport,
  doctor: async () => (await import('./doctor')).registerDoctor
}

/**
 * Adds the subcommand named on the command line, or all of them when none is named or the
 * name is unknown (help, `icebox help CMD`, a typo: commander then lists them all).
 */
export async function registerCommands(program: Command, argv: readonly string[]): Promise<void> {
  const named = argv[2] === undefined ? undefined : COMMANDS[argv[2]]
  const loaders = named !== undefined ? [named] : Object.values(COMMANDS)
  for (const register of await Promise.all(loaders.map((load) => load()))) register(program)
}
