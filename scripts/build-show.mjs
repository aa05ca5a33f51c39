// Builds `icebox show`'s own files (bin/icebox.mjs routes `icebox show …` to them):
//   icebox-show.cjs    the command (electron/cli/show-main.ts), CommonJS so vm.Script can run it;
//   icebox-show.mjs    the entry (electron/cli/show-entry.ts) that runs it with a code cache;
//   icebox-show.cache  the V8 code cache, made by running the command once on the fixture dump.
// Usage: node scripts/build-show.mjs [--outdir dist]   (scripts/build.mjs runs it)
import { build } from 'esbuild'
import { spawnSync } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

import { nodeFlagsFor } from './cli-bundle.mjs'

const i = process.argv.indexOf('--outdir')
const outdir = resolve(i > 0 ? process.argv[i + 1] : 'dist')
const repo = (path) => fileURLToPath(new URL(`../${path}`, import.meta.url))
const common = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning' }

await build({
  ...common,
  entryPoints: [repo('electron/cli/show-main.ts')],
  outfile: join(outdir, 'icebox-show.cjs'),
  format: 'cjs'
})
await build({
  ...common,
  entryPoints: [repo('electron/cli/show-entry.ts')],
  outfile: join(outdir, 'icebox-show.mjs'),
  format: 'esm'
})

// The cache holds what one run compiled: run the human form (a superset of --json's code) on
// the committed fixture dump. A failure here is a broken `icebox show`, so it fails the build.
// With the node flags `icebox` runs with: V8 refuses a cache made under other flags.
const cache = join(outdir, 'icebox-show.cache')
rmSync(cache, { force: true })
const run = spawnSync(
  process.execPath,
  [
    ...nodeFlagsFor('show'),
    join(outdir, 'icebox-show.mjs'),
    'show',
    '--dir',
    repo('test/fixtures/images/tree')
  ],
  {
    env: { ...process.env, ICEBOX_WRITE_CODE_CACHE: '1' },
    stdio: ['ignore', 'ignore', 'inherit']
  }
)
if (run.status !== 0 || !existsSync(cache)) {
  console.error(`build-show: making the code cache failed (exit ${run.status})`)
  process.exit(1)
}
