// Bundles the Node entry points with esbuild and the renderer with Vite.
// Bundling keeps `icebox` start-up short (each command loads only its own code) and makes the helper a single
// dependency-free file that root's Node can run (docs/security-model.md, decision 4).
import { build } from 'esbuild'
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'

import { buildCli } from './cli-bundle.mjs'

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: false,
  logLevel: 'warning',
  loader: { '.proto': 'text' }
}

const entries = [
  // The privileged helper run by pkexec: CommonJS because it is installed without an extension.
  {
    entry: 'electron/helper/main.ts',
    outfile: 'dist/icebox-helper.cjs',
    format: 'cjs',
    banner: { js: '#!/usr/bin/node' }
  },
  // Electron main and preload (the preload runs sandboxed: one CJS file, electron external).
  {
    entry: 'electron/main/index.ts',
    outfile: 'dist/electron/main.cjs',
    format: 'cjs',
    external: ['electron'],
    // Core modules use import.meta.url to find shipped files; give the CJS bundle its own.
    banner: { js: "const __icImportMetaUrl = require('url').pathToFileURL(__filename).href;" },
    define: { 'import.meta.url': '__icImportMetaUrl' }
  },
  // The scanner worker of the Electron main process (worker_threads).
  {
    entry: 'electron/main/scan-worker.ts',
    outfile: 'dist/electron/scan-worker.cjs',
    format: 'cjs'
  },
  {
    entry: 'electron/preload/index.ts',
    outfile: 'dist/electron/preload.cjs',
    format: 'cjs',
    external: ['electron']
  }
]

// The CLI (also runs `icebox serve`), split per command.
await buildCli('.', 'dist')

for (const e of entries) {
  if (!existsSync(e.entry)) continue
  await build({
    ...common,
    entryPoints: [e.entry],
    outfile: e.outfile,
    format: e.format,
    banner: e.banner,
    external: e.external,
    define: e.define
  })
}

// `icebox show` alone (bin/icebox.mjs routes to it), with its V8 code cache: a one-shot look at
// a snapshot starts in a fraction of the whole CLI's time (bench/inspect).
execFileSync(process.execPath, ['scripts/build-show.mjs'], { stdio: 'inherit' })

if (existsSync('renderer/index.html')) {
  execFileSync(
    'npx',
    ['vite', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'],
    { stdio: 'inherit' }
  )
}
