/**
 * How the `icebox` command starts node: the launcher (bin/icebox) and the deb's /usr/bin/icebox
 * give each command the flags of scripts/cli-bundle.mjs nodeFlagsFor and drop NODE_EXTRA_CA_CERTS.
 * Both are run for real with a stand-in `node` that reports what it was given.
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { beforeAll, describe, expect, it } from 'vitest'

import { nodeFlagsFor, SCAN_NODE_FLAGS } from '../../../scripts/cli-bundle.mjs'

const REPO = join(import.meta.dirname, '..', '..', '..')
const COMMANDS = ['ps', 'check', 'serve', 'freeze', 'restore', 'show', 'snapshots', 'help']
const env = { ...process.env, NODE_EXTRA_CA_CERTS: '/nonexistent/icebox-test-ca.pem' }

let fake: string

beforeAll(() => {
  fake = mkdtempSync(join(tmpdir(), 'icebox-node-'))
  // Prints its arguments and whether the CA variable reached it.
  const node = '#!/bin/sh\necho "ca=${NODE_EXTRA_CA_CERTS:-unset}"\necho "$@"\n'
  writeFileSync(join(fake, 'node'), node)
  chmodSync(join(fake, 'node'), 0o755)
})

function started(launcher: string, args: string[]): { ca: string; argv: string } {
  const r = spawnSync('/bin/sh', [launcher, ...args], {
    env: { ...env, PATH: `${fake}:${process.env.PATH}` },
    encoding: 'utf8'
  })
  const [ca = '', argv = ''] = r.stdout.split('\n')
  return { ca, argv }
}

describe('the icebox launchers', () => {
  it('bin/icebox gives each command its node flags, without NODE_EXTRA_CA_CERTS', () => {
    expect(nodeFlagsFor('ps')).toEqual(SCAN_NODE_FLAGS)
    expect(nodeFlagsFor('freeze')).toEqual([])
    // Through a symlink, as npm installs it: the entry is still found next to the real file.
    const link = join(fake, 'icebox')
    symlinkSync(join(REPO, 'bin/icebox'), link)
    for (const cmd of COMMANDS) {
      const s = started(link, [cmd, '--json'])
      expect(s.ca).toBe('ca=unset')
      const entry = join(REPO, 'bin/icebox.mjs')
      expect(s.argv).toBe([...nodeFlagsFor(cmd), entry, cmd, '--json'].join(' '))
    }
  })

  it('the deb’s /usr/bin/icebox chooses the same flags', () => {
    const postinst = readFileSync(join(REPO, 'assets/linux/postinst.sh'), 'utf8')
    const wrapper = /<<'WRAPPER'\n([\s\S]*?)\nWRAPPER\n/.exec(postinst)?.[1] ?? ''
    const file = join(fake, 'deb-icebox')
    writeFileSync(file, wrapper.replaceAll('/usr/bin/node', join(fake, 'node')))
    for (const cmd of COMMANDS) {
      const s = started(file, [cmd])
      expect(s.ca).toBe('ca=unset')
      const entry = '/opt/Icebox/resources/cli/cli.mjs'
      expect(s.argv).toBe([...nodeFlagsFor(cmd), entry, cmd].join(' '))
    }
  })

  it('start node without NODE_EXTRA_CA_CERTS, which node would otherwise load at start-up', () => {
    const warning = /Ignoring extra certs from/
    // The control: node itself reads the file named by the variable before running any code.
    const plain = spawnSync(process.execPath, ['-e', '0'], { env, encoding: 'utf8' })
    expect(plain.stderr).toMatch(warning)
    for (const bin of ['bin/icebox', 'bin/icebox.mjs']) {
      const r = spawnSync(join(REPO, bin), ['help'], { env, encoding: 'utf8' })
      expect(r.error).toBeUndefined()
      expect(r.stdout).toMatch(/Usage: icebox/)
      expect(r.stderr).not.toMatch(warning)
    }
  })
})
