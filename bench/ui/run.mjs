// Runs the UI benchmark: bundles bench/ui/ui-bench.ts with esbuild (Node 20 cannot run .ts)
// and imports it. Usage: npm run build && node bench/ui/run.mjs [--rows 5000]
import { build } from 'esbuild'
import { mkdirSync } from 'node:fs'
import { pathToFileURL } from 'node:url'

mkdirSync('bench/results', { recursive: true })
const outfile = 'bench/results/ui-bench.mjs'
await build({
  entryPoints: ['bench/ui/ui-bench.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning'
})
await import(pathToFileURL(outfile).href)
