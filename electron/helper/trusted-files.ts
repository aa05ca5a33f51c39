/**
 * Checks that the programs the helper runs as root or hands capabilities to are what they claim:
 * root-owned regular files not writable by group or others (security-model.md §5.3, §8.42).
 */
import { lstatSync, realpathSync } from 'node:fs'

import { AppError } from '../common/errors'

/** Returns a reason when `path` is not a root-owned file writable only by root, else null. */
export function untrustedReason(path: string): string | null {
  let st
  try {
    st = lstatSync(path)
  } catch {
    return `${path} is missing`
  }
  if (st.isSymbolicLink()) {
    try {
      return untrustedReason(realpathSync(path))
    } catch {
      return `${path} is a dangling link`
    }
  }
  if (!st.isFile()) return `${path} is not a regular file`
  if (st.uid !== 0) return `${path} is not owned by root`
  if ((st.mode & 0o022) !== 0) return `${path} is writable by group or others`
  return null
}

/** Throws CRIU_MISSING / HELPER_REFUSED when any of the programs is not trustworthy. */
export function requireTrusted(paths: readonly string[]): void {
  for (const p of paths) {
    const reason = untrustedReason(p)
    if (reason) {
      throw new AppError({
        code: reason.endsWith('missing') ? 'CRIU_MISSING' : 'HELPER_REFUSED',
        message: 'The helper will not run a program it cannot trust.',
        why: reason,
        remedy: 'Install criu and util-linux from your distribution and keep them root-owned.'
      })
    }
  }
}
