import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

import { NODE_ENV_DROPPED, NODE_FLAGS } from '../../../scripts/cli-bundle.mjs'

const REPO = join(import.meta.dirname, '..', '..', '..')

describe('the node flags of the icebox command', () => {
  it('and the variables it drops are the same in bin/icebox.mjs, the deb wrapper and the benches', () => {
    expect(NODE_FLAGS.length).toBeGreaterThan(0)
    const shebang = readFileSync(join(REPO, 'bin/icebox.mjs'), 'utf8').split('\n')[0]
    const unset = NODE_ENV_DROPPED.map((name) => `-u ${name}`).join(' ')
    expect(shebang).toBe(`#!/usr/bin/env -S ${unset} node ${NODE_FLAGS.join(' ')}`)
    const wrapper = readFileSync(join(REPO, 'assets/linux/postinst.sh'), 'utf8')
    expect(wrapper).toContain(
      `exec env ${unset} /usr/bin/node ${NODE_FLAGS.join(' ')} /opt/Icebox/`
    )
  })

  it('start node without NODE_EXTRA_CA_CERTS, which node would otherwise load at start-up', () => {
    const env = { ...process.env, NODE_EXTRA_CA_CERTS: '/nonexistent/icebox-test-ca.pem' }
    const warning = /Ignoring extra certs from/
    // The control: node itself reads the file named by the variable before running any code.
    const plain = spawnSync(process.execPath, ['-e', '0'], { env, encoding: 'utf8' })
    expect(plain.stderr).toMatch(warning)
    const icebox = spawnSync(join(REPO, 'bin/icebox.mjs'), ['help'], { env, encoding: 'utf8' })
    expect(icebox.error).toBeUndefined()
    expect(icebox.stderr).not.toMatch(warning)
  })
})
