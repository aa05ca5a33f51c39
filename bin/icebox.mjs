#!/usr/bin/env node
// Entry point of the `icebox` command: runs the bundled CLI built by `npm run build`.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const cli = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url))
if (!existsSync(cli)) {
  process.stderr.write(
    'icebox: the CLI is not built yet (dist/cli.mjs is missing). Run `npm ci && npm run build` first.\n'
  )
  process.exit(2)
}
// `icebox show` has its own small bundle (scripts/build.mjs): it starts several times faster.
const show = fileURLToPath(new URL('../dist/icebox-show.mjs', import.meta.url))
await import(process.argv[2] === 'show' && existsSync(show) ? show : cli)
