import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

import { NODE_FLAGS } from '../../../scripts/cli-bundle.mjs'

const REPO = join(import.meta.dirname, '..', '..', '..')

describe('the node flags of the icebox command', () => {
  it('are the same in bin/icebox.mjs, the deb wrapper and what bench/scan measures', () => {
    expect(NODE_FLAGS.length).toBeGreaterThan(0)
    const shebang = readFileSync(join(REPO, 'bin/icebox.mjs'), 'utf8').split('\n')[0]
    expect(shebang).toBe(`#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}`)
    const wrapper = readFileSync(join(REPO, 'assets/linux/postinst.sh'), 'utf8')
    expect(wrapper).toContain(`exec /usr/bin/node ${NODE_FLAGS.join(' ')} /opt/Icebox/`)
  })
})
