/**
 * `icebox ps` and `icebox check` as a user runs them: the built CLI (`node bin/icebox.mjs`)
 * against real workloads, with exit codes and one-line errors.
 */
import { execFile } from 'node:child_process'
import { join } from 'node:path'

import { afterEach, beforeAll, describe, expect, it } from 'vitest'

import type { Analysis } from '../../../electron/common/model'
import { buildCli } from '../../../scripts/cli-bundle.mjs'
import { startHolder, type Holder } from './holder'

const REPO = join(import.meta.dirname, '..', '..', '..')
const running: Holder[] = []

/** Builds dist/cli.mjs (and its per-command chunks) exactly as scripts/build.mjs does. */
async function buildCliBundle(): Promise<void> {
  await buildCli(REPO, join(REPO, 'dist'))
}

interface Run {
  code: number
  stdout: string
  stderr: string
}

function icebox(...args: string[]): Promise<Run> {
  return run('node', [join(REPO, 'bin/icebox.mjs'), ...args])
}

/** `icebox ARGS` as the unprivileged user nobody. */
function iceboxAsNobody(...args: string[]): Promise<Run> {
  return run('setpriv', [
    '--reuid=nobody',
    '--regid=nogroup',
    '--clear-groups',
    'node',
    join(REPO, 'bin/icebox.mjs'),
    ...args
  ])
}

function run(command: string, argv: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      argv,
      { maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: '1' } },
      (err, stdout, stderr) => {
        const code = err ? ((err as { code?: number }).code ?? 1) : 0
        resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr })
      }
    )
  })
}

beforeAll(buildCliBundle)

afterEach(async () => {
  for (const h of running.splice(0)) await h.stop()
})

async function holder(actions: string[]): Promise<Holder> {
  const h = await startHolder(actions)
  running.push(h)
  return h
}

describe('icebox check', () => {
  it('exits 0 with the JSON analysis of a freezable process', async () => {
    const h = await holder(['setsid'])
    const r = await icebox('check', String(h.pid), '--json')
    expect(r.code).toBe(0)
    const a = JSON.parse(r.stdout) as Analysis
    expect(a).toMatchObject({ pid: h.pid, verdict: 'freezable', tree: [h.pid], criuOptions: [] })
    expect(a.findings.map((f) => f.id)).toEqual(['start-time-changes'])
  })

  it('exits 1 on a blocked tree and lists the blocker with what to do', async () => {
    const h = await holder(['setsid', 'io_uring'])
    const json = await icebox('check', String(h.pid), '--json')
    expect(json.code).toBe(1)
    const a = JSON.parse(json.stdout) as Analysis
    expect(a.verdict).toBe('blocked')
    expect(a.findings.map((f) => f.id)).toEqual(['unsupported-fd', 'start-time-changes'])

    const human = await icebox('check', String(h.pid))
    expect(human.code).toBe(1)
    expect(human.stdout).toContain(`pid ${h.pid}: cannot be frozen (blocked)`)
    expect(human.stdout).toContain(`[BLOCKER] unsupported-fd (pid ${h.pid})`)
    expect(human.stdout).toContain('    - fd 3: anon_inode:[io_uring]')
    expect(human.stdout).toContain('what to do:')
  })

  it('exits 0 with the options a needs-options tree implies', async () => {
    const h = await holder(['setsid', 'tcp-pair'])
    const r = await icebox('check', String(h.pid), '--json')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({
      verdict: 'needs-options',
      criuOptions: ['--tcp-established']
    })
  })

  it.each([['abc'], ['0'], ['-5'], ['12x']])('exits 2 with one line for pid %j', async (pid) => {
    const r = await icebox('check', pid)
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/^error: ".*" is not a process id: give a whole number/)
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })

  it('exits 3 with one line for a pid that does not exist', async () => {
    const r = await icebox('check', '4194303')
    expect(r.code).toBe(3)
    expect(r.stderr).toBe(
      'error: There is no process with pid 4194303; run `icebox ps` to list processes.\n'
    )
  })

  it('exits 3 with one line when a user may not look inside the process', async () => {
    const h = await holder(['setsid'])
    const r = await iceboxAsNobody('check', String(h.pid))
    expect(r.code).toBe(3)
    expect(r.stderr).toBe(
      `error: You may not look inside process ${h.pid} (it belongs to root); run \`sudo icebox check ${h.pid}\` to check it as root.\n`
    )
  })

  it('prints the error as JSON with --json', async () => {
    const r = await icebox('check', '4194303', '--json')
    expect(r.code).toBe(3)
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'NO_SUCH_PROCESS' } })
  })
})

describe('icebox ps', () => {
  it('--json lists every process with verdict, findings and counts', async () => {
    const h = await holder(['setsid', 'tcp-pair', 'flock', '/tmp/icebox-ps-cli.lock'])
    const r = await icebox('ps', '--json')
    expect(r.code).toBe(0)
    const rows = JSON.parse(r.stdout) as Array<Record<string, unknown>>
    expect(rows.length).toBeGreaterThan(10)
    const row = rows.find((x) => x.pid === h.pid)
    expect(row).toMatchObject({
      pid: h.pid,
      ppid: process.pid,
      name: 'analysis-holder',
      uid: 0,
      user: 'root',
      verdict: 'needs-options',
      findingIds: ['tcp-established', 'file-lock', 'start-time-changes'],
      counts: { files: 1, pipes: 0, unixSockets: 0, tcp: 2, udp: 0, locks: 1, devices: 3 }
    })
    expect(row!.cmdline).toMatch(/analysis-holder setsid tcp-pair flock/)
    expect(new Date(row!.startTime as string).toISOString()).toBe(row!.startTime)
    expect(row!.rssBytes).toBeGreaterThan(0)
    expect(row!.threads).toBe(1)
    expect(rows.find((x) => x.pid === 2)).toMatchObject({
      verdict: 'blocked',
      findingIds: ['kernel-thread']
    })
  })

  it('--filter and --tree show the chain indented under its root', async () => {
    const h = await holder(['setsid', 'child'])
    const r = await icebox('ps', '--tree', '--filter', 'analysis-holder setsid child')
    expect(r.code).toBe(0)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/PID USER +S STARTED +RSS VERDICT +FINDINGS +COMMAND/)
    // The chain, plus the icebox process itself (its own argv contains the filter text).
    const [root, child] = h.pids
    const rootAt = lines.findIndex((l) => new RegExp(`^ +${root} `).test(l))
    expect(rootAt).toBeGreaterThan(0)
    expect(lines[rootAt]).toMatch(new RegExp(`^ +${root} root .* freezable .*analysis-holder`))
    expect(lines[rootAt + 1]).toMatch(
      new RegExp(`^ +${child} root .* options +tty,external-pipe +└ .*analysis-holder`)
    )
    const others = lines.slice(1).filter((l) => !/analysis-holder setsid child$/.test(l))
    expect(others).toHaveLength(0)
    expect(lines).toHaveLength(4)
    expect(lines.some((l) => /BLOCKED +self/.test(l))).toBe(true)
  })

  it('--user with an unknown name is a usage error saying how to list users', async () => {
    const none = await icebox('ps', '--user', 'no-such-user-here')
    expect(none).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'error: There is no user named "no-such-user-here"; run `getent passwd` to list users, or give a uid.\n'
    })
    const json = await icebox('ps', '--json', '--user', 'no-such-user-here')
    expect(json.code).toBe(2)
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'BAD_INPUT' } })
    // A known name and a uid nobody runs under are fine.
    const known = await icebox('ps', '--json', '--user', 'nobody')
    expect(known.code).toBe(0)
    const uid = await icebox('ps', '--json', '--user', '4000000')
    expect({ code: uid.code, rows: JSON.parse(uid.stdout) }).toEqual({ code: 0, rows: [] })
  })

  it('--mine with --user is a usage error', async () => {
    const both = await icebox('ps', '--mine', '--user', 'root')
    expect(both.code).toBe(2)
    expect(both.stderr.trimEnd().split('\n')).toHaveLength(1)
  })
})
