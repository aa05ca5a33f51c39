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
import { checkId, defaultStoreRoot } from '../../core/snapshots/store'

export interface ShowOptions {
  json?: boolean
  dir?: string
  store?: string
}

/**
 * Where a snapshot id lives: `<store root>/<id>` with the store's own root rule and id check
 * (core/snapshots/store). The store is not opened: opening creates and chmods its root, which a
 * read-only `show` must not do (and cannot, as a user, on the root-owned system store).
 */
export function resolveSnapshotDir(id: string, storeRoot?: string): string {
  const root = storeRoot ?? defaultStoreRoot()
  const dir = join(root, checkId(id))
  if (existsSync(join(dir, 'inventory.img'))) return dir
  throw new AppError({
    code: 'SNAPSHOT_NOT_FOUND',
    message: `There is no snapshot ${id} in ${root}.`,
    why: existsSync(dir) ? 'Its directory holds no CRIU images (inventory.img).' : undefined,
    remedy:
      'Run `icebox snapshots` to see the ids, pass --store DIR, or use `icebox show --dir DIR`.'
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

/**
 * Parses the plain forms of `show` (argv after the node and script paths, starting at "show"):
 * one optional ID, --dir DIR, --store DIR, --json (also --opt=value). Returns null for anything
 * else (--help, unknown options, extra arguments) so the caller can let commander handle it.
 */
export function parseShowArgs(
  argv: string[]
): { id: string | undefined; opts: ShowOptions } | null {
  if (argv[0] !== 'show') return null
  const opts: ShowOptions = {}
  let id: string | undefined
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!
    const eq = a.indexOf('=')
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a
    const inline = a.startsWith('--') && eq > 0 ? a.slice(eq + 1) : undefined
    if (name === '--json' && inline === undefined) opts.json = true
    else if (name === '--dir' || name === '--store') {
      const value = inline ?? argv[++i]
      if (value === undefined || value === '' || (inline === undefined && value.startsWith('-'))) {
        return null
      }
      if (name === '--dir') opts.dir = value
      else opts.store = value
    } else if (!a.startsWith('-') && id === undefined) id = a
    else return null
  }
  return { id, opts }
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
