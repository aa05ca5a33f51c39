/**
 * `icebox show ID [--json]` and `icebox show --dir DIR [--json]`: what a snapshot holds,
 * decoded from CRIU's images by Icebox itself (no crit, no criu).
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'

import type { Command } from 'commander'

import { AppError } from '../../common/errors'
import type { SnapshotView } from '../../common/snapshot-view'
import { formatSnapshotView } from '../../core/images/format-view'
import { readSnapshotView } from '../../core/images/read-snapshot-view'

export interface ShowOptions {
  json?: boolean
  dir?: string
  store?: string
}

/**
 * Where a snapshot id lives. The snapshot store (engineer C) is not wired in yet, so this is
 * `<store root>/<id>` with the store's documented default root; switch to `openStore(root).dir(id)`
 * when it lands.
 */
export function resolveSnapshotDir(id: string, storeRoot?: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id)) {
    throw new AppError({
      code: 'BAD_INPUT',
      message: `"${id}" is not a snapshot id.`,
      why: 'Snapshot ids are letters, digits, dots, dashes and underscores.',
      remedy: 'Run `icebox snapshots` to list them, or use `icebox show --dir DIR`.'
    })
  }
  const root =
    storeRoot ?? process.env.ICEBOX_STORE ?? `/var/lib/icebox/images/${process.getuid?.() ?? 0}`
  const dir = join(root, id)
  // The store keeps CRIU's images either directly in the snapshot directory or in images/.
  const images = join(dir, 'images')
  if (existsSync(join(images, 'inventory.img'))) return images
  if (existsSync(dir)) return dir
  throw new AppError({
    code: 'SNAPSHOT_NOT_FOUND',
    message: `No snapshot "${id}" in ${root}.`,
    why: 'There is no directory with that id in the snapshot store.',
    remedy: 'Run `icebox snapshots` to list them, or pass --store DIR.'
  })
}

/** Runs `show` and returns what to print. Damaged snapshots are shown, not thrown. */
export function runShow(
  id: string | undefined,
  opts: ShowOptions
): { text: string; view: SnapshotView } {
  let dir: string
  if (opts.dir !== undefined) {
    if (id !== undefined) {
      throw new AppError({
        code: 'BAD_INPUT',
        message: 'Give either a snapshot ID or --dir DIR, not both.',
        remedy: 'icebox show ID   or   icebox show --dir DIR'
      })
    }
    dir = opts.dir
    if (!existsSync(dir)) {
      throw new AppError({
        code: 'SNAPSHOT_NOT_FOUND',
        message: `${dir} does not exist.`,
        remedy: 'Pass the directory that holds the CRIU images (inventory.img, pstree.img, …).'
      })
    }
  } else if (id !== undefined) {
    dir = resolveSnapshotDir(id, opts.store)
  } else {
    throw new AppError({
      code: 'BAD_INPUT',
      message: 'Which snapshot?',
      remedy: 'icebox show ID   or   icebox show --dir DIR'
    })
  }
  const view = readSnapshotView(dir)
  const text = opts.json ? JSON.stringify(view) + '\n' : formatSnapshotView(view)
  return { text, view }
}

export function registerShow(program: Command): void {
  program
    .command('show')
    .description('Show what a snapshot holds: processes, open files, memory, CRIU timings.')
    .argument('[id]', 'snapshot id from `icebox snapshots`')
    .option('--dir <dir>', 'read any CRIU images directory instead of a stored snapshot')
    .option(
      '--store <dir>',
      'snapshot store root (default $ICEBOX_STORE or /var/lib/icebox/images/UID)'
    )
    .option('--json', 'print the decoded view as JSON')
    .action((id: string | undefined, opts: ShowOptions) => {
      const { text, view } = runShow(id, opts)
      process.stdout.write(text)
      // A damaged snapshot is still shown; the exit code tells scripts it was damaged.
      if (view.status === 'damaged') process.exitCode = 1
    })
}
