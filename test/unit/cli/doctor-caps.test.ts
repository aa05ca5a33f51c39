/** `icebox doctor` reads CAP_SYS_RESOURCE from the bounding set, as the kernel prints it. */
import { describe, expect, it } from 'vitest'

import { boundingSetHas } from '../../../electron/cli/commands/doctor'

describe('boundingSetHas', () => {
  it('reads one capability bit of CapBnd', () => {
    // This machine's bounding set: every capability but CAP_SYS_RESOURCE (24).
    const sandbox = 'Name:\tnode\nCapInh:\t0000000000000000\nCapBnd:\t000001fffeffffff\n'
    expect(boundingSetHas(sandbox, 24)).toBe(false)
    expect(boundingSetHas(sandbox, 23)).toBe(true)
    expect(boundingSetHas(sandbox, 40)).toBe(true)
    expect(boundingSetHas('CapBnd:\t000001ffffffffff\n', 24)).toBe(true)
  })

  it('says unknown when there is no CapBnd line', () => {
    expect(boundingSetHas('Name:\tx\n', 24)).toBeNull()
  })
})
