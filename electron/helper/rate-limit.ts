/**
 * The per-user rate limit of security-model.md §4.7: at most `max_dumps_per_hour` dumps started in
 * any hour, so that a runaway script (or a user allowed to skip the password) cannot keep CRIU and
 * the disk busy. The start times live in the user's lock file (store-lock.ts) and are read and
 * written only while the lock is held. Every started dump counts, failed ones too: they cost the
 * same until CRIU gives up.
 */
import { AppError } from '../common/errors'

export const RATE_WINDOW_MS = 60 * 60 * 1000
/** Most start times kept, whatever the configured limit. */
const MAX_KEPT = 1000

/** The start times in a lock file's state; anything malformed is dropped. Pure. */
export function parseDumpTimes(state: string): number[] {
  let v: unknown
  try {
    v = JSON.parse(state)
  } catch {
    return []
  }
  const times = (v as { dumps?: unknown } | null)?.dumps
  return Array.isArray(times) ? times.filter((t): t is number => Number.isSafeInteger(t)) : []
}

/** The state to store once a dump starts at `now`: the times still inside the window. Pure. */
export function recordDump(times: readonly number[], now: number): string {
  const recent = times.filter((t) => t > now - RATE_WINDOW_MS && t <= now)
  return JSON.stringify({ dumps: [...recent, now].slice(-MAX_KEPT) })
}

/** Null when a dump may start at `now`, else the refusal. Pure. */
export function rateRefusal(times: readonly number[], now: number, max: number): AppError | null {
  const recent = times.filter((t) => t > now - RATE_WINDOW_MS && t <= now).sort((a, b) => a - b)
  if (recent.length < max) return null
  // The oldest start that must leave the window before one more fits.
  const frees = recent[recent.length - max]
  const minutes = frees === undefined ? 60 : Math.ceil((frees + RATE_WINDOW_MS - now) / 60_000)
  return new AppError({
    code: 'QUOTA_EXCEEDED',
    message: `You have started ${recent.length} freezes in the last hour; the administrator allows ${max}. Nothing was frozen.`,
    why: 'The helper limits how often one user can freeze, so that a runaway script cannot keep the system busy or fill its disk.',
    remedy: `Try again in ${Math.max(1, minutes)} min, or ask the administrator to raise max_dumps_per_hour in /etc/icebox/helper.conf.`
  })
}
