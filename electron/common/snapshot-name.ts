/**
 * The one rule for snapshot names, used by the contract (every transport of the UI) and the CLI:
 * a label a person reads in lists and terminals, so printable only. Control characters would
 * reach terminals; Unicode format characters (U+202E RIGHT-TO-LEFT OVERRIDE, zero-width spaces)
 * make a name read as something else.
 */
import { z } from 'zod'

import { firstUnprintable } from './control-chars'

export const SNAPSHOT_NAME_MAX = 64

export const SNAPSHOT_NAME_RULE = `A snapshot name has 1 to ${SNAPSHOT_NAME_MAX} printable characters (no control or invisible formatting characters).`

/** Why `name` (already trimmed) is not a valid snapshot name; null when it is. */
export function snapshotNameProblem(name: string): string | null {
  if (name.length === 0) return 'it is empty'
  if ([...name].length > SNAPSHOT_NAME_MAX)
    return `it is longer than ${SNAPSHOT_NAME_MAX} characters`
  const bad = firstUnprintable(name)
  if (bad !== undefined) {
    const code = bad.codePointAt(0) ?? 0
    return `it holds the unprintable character U+${code.toString(16).toUpperCase().padStart(4, '0')}`
  }
  return null
}

/** A snapshot name: trimmed, then checked by snapshotNameProblem. */
export const SnapshotNameSchema = z
  .string()
  .trim()
  .superRefine((name, ctx) => {
    const problem = snapshotNameProblem(name)
    if (problem !== null)
      ctx.addIssue({ code: 'custom', message: `${SNAPSHOT_NAME_RULE} This one: ${problem}.` })
  })
