/** The per-user rate limit of §4.7 (electron/helper/rate-limit.ts): pure counting over an hour. */
import { describe, expect, it } from 'vitest'

import {
  parseDumpTimes,
  RATE_WINDOW_MS,
  rateRefusal,
  recordDump
} from '../../../electron/helper/rate-limit'

const now = 10 * RATE_WINDOW_MS
const minutesAgo = (m: number): number => now - m * 60_000

describe('dumps per hour', () => {
  it('allows up to the limit within the last hour, then refuses saying when one more fits', () => {
    const times = [minutesAgo(50), minutesAgo(20), minutesAgo(5)]
    expect(rateRefusal(times.slice(0, 2), now, 3)).toBeNull()
    const e = rateRefusal(times, now, 3)
    expect(e?.code).toBe('QUOTA_EXCEEDED')
    expect(e?.message).toBe(
      'You have started 3 freezes in the last hour; the administrator allows 3. Nothing was frozen.'
    )
    // The start 50 minutes ago leaves the window in 10 minutes.
    expect(e?.remedy).toMatch(
      /^Try again in 10 min, or ask the administrator to raise max_dumps_per_hour/
    )
  })

  it('forgets starts older than an hour, and a limit of 0 refuses every dump', () => {
    expect(rateRefusal([minutesAgo(61), minutesAgo(90)], now, 1)).toBeNull()
    expect(rateRefusal([], now, 0)?.message).toMatch(/allows 0/)
  })

  it('records a start and keeps only the last hour; malformed state reads as no starts', () => {
    const state = recordDump([minutesAgo(70), minutesAgo(30)], now)
    expect(parseDumpTimes(state)).toEqual([minutesAgo(30), now])
    expect(parseDumpTimes('')).toEqual([])
    expect(parseDumpTimes('{"dumps":"x"}')).toEqual([])
    expect(parseDumpTimes('{"dumps":[1.5,"2",3]}')).toEqual([3])
    expect(parseDumpTimes('null')).toEqual([])
  })
})
