#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS node
// Run directly, it gets no node flags; the `icebox` launcher (bin/icebox) adds the flags of the
// commands that scan every process (scripts/cli-bundle.mjs nodeFlagsFor). NODE_EXTRA_CA_CERTS is
// dropped (NODE_ENV_DROPPED): node would parse that file at start-up, and Icebox makes no TLS
// connection.
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
