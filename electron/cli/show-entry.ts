/**
 * What bin/icebox.mjs runs for `icebox show …` (dist/icebox-show.mjs): runs the show bundle
 * (dist/icebox-show.cjs, from show-main.ts) with the V8 code cache scripts/build-show.mjs made
 * for it (dist/icebox-show.cache). Without the bundle it falls back to the full CLI.
 *
 * ICEBOX_WRITE_CODE_CACHE=1 (the build) writes the cache at exit; ICEBOX_SHOW_DEBUG=1 prints
 * whether the cache was used (tests and bench/inspect).
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

import { compileWithCache, writeCodeCache } from './code-cache'

const bundle = fileURLToPath(new URL('./icebox-show.cjs', import.meta.url))
if (existsSync(bundle)) {
  const cache = bundle.replace(/\.cjs$/, '.cache')
  const compiled = compileWithCache(bundle, cache)
  if (process.env.ICEBOX_WRITE_CODE_CACHE === '1') {
    process.once('exit', () => writeCodeCache(compiled.script, bundle, cache))
  }
  if (process.env.ICEBOX_SHOW_DEBUG === '1') process.stderr.write(`code cache: ${compiled.use}\n`)
  compiled.run()
} else {
  await import(new URL('./cli.mjs', import.meta.url).href)
}
