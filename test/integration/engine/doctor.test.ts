/**
 * `icebox doctor` as a user runs it (the built CLI): on this machine it finds criu 4.2 with a
 * passing `criu check` and the nftables lock; a criu too old or missing is said in words with
 * what to do, and the exit code is 1.
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, describe, expect, it } from 'vitest'

import { boundingSetHas } from '../../../electron/cli/commands/doctor'

const REPO = join(import.meta.dirname, '..', '..', '..')
const work = mkdtempSync(join(tmpdir(), 'icebox-doctor-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

function doctor(env: Record<string, string> = {}, ...args: string[]) {
  const r = spawnSync(
    'node',
    [join(REPO, 'bin/icebox.mjs'), 'doctor', '--store', join(work, 'store'), ...args],
    {
      encoding: 'utf8',
      env: { ...process.env, ...env }
    }
  )
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('icebox doctor', () => {
  it('reports criu, its check, the network lock, the store and tmux on this machine', () => {
    const r = doctor({}, '--json')
    expect(r.code).toBe(0)
    const report = JSON.parse(r.stdout)
    expect(report.criu.version).toMatch(/^4\.(2|[3-9])/)
    expect(report.criu.checkOk).toBe(true)
    expect(report.criu.networkLock.preferred).toBe('nftables')
    expect(report.criuError).toBeNull()
    expect(report.store).toMatchObject({ root: join(work, 'store'), ok: true, snapshots: 0 })
    expect(report.privilege).toBe('root')
    expect(report.tmux).toMatch(/\/tmux$/)
    // The CLI runs with the test's bounding set (this machine's lacks CAP_SYS_RESOURCE).
    const own = boundingSetHas(readFileSync('/proc/self/status', 'utf8'), 24)
    expect(report.capSysResource).toBe(own)
    expect(r.stdout).not.toContain('CAP_SYS_RESOURCE')
    const human = doctor().stdout
    expect(human.includes('warn root lacks CAP_SYS_RESOURCE')).toBe(own === false)
    const text = doctor().stdout
    expect(text).toMatch(/^ok {3}criu 4\.\d+\.\d+ at /m)
    expect(text).toMatch(/^ok {3}criu check: looks good$/m)
    expect(text).toMatch(/^ok {3}network lock: nftables/m)
  })

  it('says a criu that is too old is too old, and how to get a new one', () => {
    const fake = join(work, 'criu-3.17')
    writeFileSync(fake, '#!/bin/sh\necho "Version: 3.17"\n')
    chmodSync(fake, 0o755)
    const r = doctor({ ICEBOX_CRIU: fake })
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^FAIL CRIU 3\.17\.0 is too old; Icebox needs 4\.2 or newer\.$/m)
    expect(r.stdout).toMatch(
      /what to do: Install CRIU 4\.2 or newer.*apt-get install -t unstable criu/
    )
    const json = JSON.parse(doctor({ ICEBOX_CRIU: fake }, '--json').stdout)
    expect(json.criu).toBeNull()
    expect(json.criuError.code).toBe('CRIU_TOO_OLD')
  })

  it('says a missing criu is missing', () => {
    const json = JSON.parse(doctor({ ICEBOX_CRIU: join(work, 'no-such-criu') }, '--json').stdout)
    expect(json.criu).toBeNull()
    expect(json.criuError.code).toBe('CRIU_MISSING')
    expect(json.criuError.message).toContain('no-such-criu')
    expect(json.criuError.remedy).toMatch(/Install CRIU 4\.2 or newer/)
  })
})
