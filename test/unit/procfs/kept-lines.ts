/** Runs the raw reader's line filter (rawReadLines) over text written to a temporary file. */
import * as fs from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { rawReadLines } from '../../../electron/core/procfs/raw'

export function keptLines(text: string, markers: readonly string[], oneShot: boolean): string {
  const dir = fs.mkdtempSync(join(tmpdir(), 'icebox-lines-'))
  try {
    const path = join(dir, 'file')
    fs.writeFileSync(path, text)
    // A small buffer, so that the read grows it like a big maps file does.
    const kept = rawReadLines({ fs, buf: Buffer.alloc(64) }, path, markers, oneShot)
    if (typeof kept !== 'string') throw new Error(`read failed: ${kept.code}`)
    return kept
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
