// How the `icebox` CLI is bundled: shared by scripts/build.mjs, the CLI integration test and
// bench/scan.mjs so that what is tested and benchmarked is what ships.
// Code splitting: dist/cli.mjs holds only the command router; each command's code is a chunk in
// dist/cli-chunks/ loaded when that command runs (electron/cli/commands/index.ts).
import { build } from 'esbuild'
import { rmSync } from 'node:fs'
import { join } from 'node:path'

/**
 * The node flags of each command. V8 refuses a code cache made under other V8 flags, Node's own
 * embedded one included, so any flag costs ~20 ms of compiling at every start (and made V8 refuse
 * `icebox show`'s cache): only the commands that scan every process get one, a 4 MiB young
 * generation that keeps a scan of thousands of processes ~20 MiB smaller (bench/scan). The
 * `icebox` launcher (bin/icebox) and the deb's /usr/bin/icebox choose by this table (a unit test
 * runs both), and the benches and build-show use it.
 */
export const SCAN_COMMANDS = ['ps', 'check', 'serve']
export const SCAN_NODE_FLAGS = ['--max-semi-space-size=4']

/** The node flags `icebox COMMAND` runs with. */
export function nodeFlagsFor(command) {
  return SCAN_COMMANDS.includes(command) ? SCAN_NODE_FLAGS : []
}

/**
 * Environment variables the `icebox` command's node runs without. NODE_EXTRA_CA_CERTS makes
 * node parse that certificate file at start-up (~40–60 ms here, where it is set machine-wide),
 * and Icebox makes no TLS connection. The launchers and the benches drop the same.
 */
export const NODE_ENV_DROPPED = ['NODE_EXTRA_CA_CERTS']

/** `env` as the `icebox` command's node sees it. */
export function cliEnv(env = process.env) {
  const out = { ...env }
  for (const name of NODE_ENV_DROPPED) delete out[name]
  return out
}

/** The ESM bundles need `require` for the CommonJS dependencies they inline. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __icCreateRequire } from 'node:module'; const require = __icCreateRequire(import.meta.url);"

/** Bundles electron/cli/main.ts from `root` into `outdir`/cli.mjs (+ `outdir`/cli-chunks/). */
export async function buildCli(root, outdir) {
  // Chunk names carry content hashes: drop the previous build's so they don't pile up.
  rmSync(join(outdir, 'cli-chunks'), { recursive: true, force: true })
  await build({
    entryPoints: { cli: join(root, 'electron/cli/main.ts') },
    outdir,
    entryNames: '[name]',
    chunkNames: 'cli-chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    splitting: true,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    sourcemap: false,
    logLevel: 'warning',
    loader: { '.proto': 'text' },
    banner: { js: ESM_REQUIRE_BANNER }
  })
}
