import { describe, expect, it } from 'vitest'

import { findingsWithId, proc } from './builders'

describe('start-time-changes rule', () => {
  it('is always there, as info on the root', () => {
    expect(findingsWithId([proc(100)], 100, 'start-time-changes')).toMatchObject([
      { severity: 'info', pid: 100, evidence: ['started 2026-11-27T00:00:00.000Z'] }
    ])
  })
})
