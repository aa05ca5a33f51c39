// The same reads as a scan, through node:fs, with no interpretation: what the scanner's own raw
// reader (electron/core/procfs/raw.ts) costs on one thread, beside the C floor (floor.c).
// bench/scan.mjs bundles and times it as a whole command.
import * as fs from 'node:fs'

import { NET_TABLES } from '../../electron/core/procfs/net-tables'
import { rawReadProcess, rawReadText } from '../../electron/core/procfs/raw'

const io = { fs, buf: Buffer.allocUnsafe(64 * 1024) }
for (const name of NET_TABLES) rawReadText(io, '/proc/net/' + name, false)
rawReadText(io, '/proc/locks', false)
for (const name of fs.readdirSync('/proc')) {
  const pid = Number(name)
  if (Number.isInteger(pid)) {
    rawReadProcess(io, '/proc', pid, { maps: true, fileDetails: false, locked: {} })
  }
}
