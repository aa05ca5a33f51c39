// Runs the snapshot-inspection benchmark: bundles bench/inspect/inspect-bench.ts with esbuild
// (Node 20 cannot run .ts) and imports it. Needs root (criu dump) and a built CLI:
//   node scripts/build.mjs && node bench/inspect/run.mjs [--mib 1024] [--runs 5] [--dir DIR]
import { build } from 'esbuild'
import { mkdirSync } from 'node:fs'
import { pathToFileURL } from 'node:url'

mkdirSync('bench/results', { recursive: true })
const outfile = 'bench/results/inspect-bench.mjs'
await build({
  entryPoints: ['bench/inspect/inspect-bench.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  banner: {
    js: "import { createRequire as __icCreateRequire } from 'node:module'; const require = __icCreateRequire(import.meta.url);"
  },
  loader: { '.proto': 'text' },
  logLevel: 'warning'
})
await import(pathToFileURL(outfile).href)
