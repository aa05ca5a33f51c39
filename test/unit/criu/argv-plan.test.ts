import { describe, expect, it } from 'vitest'

import { AppError } from '../../../electron/common/errors'
import type { Analysis, Finding, ProcessInfo } from '../../../electron/common/model'
import { dumpArgv, recordFlags, restoreArgv, type DumpPlan } from '../../../electron/core/criu/argv'
import { ghostLimitFor, planDump } from '../../../electron/core/criu/plan'

const MiB = 1024 * 1024

function finding(
  id: Finding['id'],
  severity: Finding['severity'],
  option?: Finding['option']
): Finding {
  return {
    id,
    severity,
    pid: 100,
    message: `${id} message`,
    evidence: [],
    ...(option && { option })
  }
}

function analysis(findings: Finding[]): Analysis {
  const blocked = findings.some((f) => f.severity === 'blocker')
  const needs = findings.some((f) => f.severity === 'needs-option')
  return {
    pid: 100,
    verdict: blocked ? 'blocked' : needs ? 'needs-options' : 'freezable',
    tree: [100, 101],
    findings,
    criuOptions: []
  }
}

function proc(fds: ProcessInfo['fds'] = []): ProcessInfo {
  return { pid: 100, fds } as ProcessInfo
}

const locks = { nftables: true, iptables: false }
const base = {
  tree: [proc()],
  startTicks: 5,
  networkLocks: locks,
  mode: 'root' as const,
  choices: {}
}

describe('planDump', () => {
  it('refuses a blocked tree with the blockers as reasons', () => {
    try {
      planDump({ ...base, analysis: analysis([finding('traced', 'blocker')]) })
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(AppError)
      expect((err as AppError).code).toBe('NOT_FREEZABLE')
      expect((err as AppError).why).toContain('traced message')
    }
  })

  it('names three blockers and counts the rest, so that a huge tree gives a readable error', () => {
    const many = Array.from({ length: 1200 }, (_, i) => ({
      ...finding('external-pipe', 'blocker'),
      message: `blocker ${i}.`
    }))
    try {
      planDump({ ...base, analysis: analysis(many) })
      expect.unreachable()
    } catch (err) {
      const e = err as AppError
      expect(e.message).toBe('Process 100 cannot be frozen (1200 problems).')
      expect(e.why).toBe(
        'blocker 0. blocker 1. blocker 2. (And 1197 more: `icebox check 100` lists them all.)'
      )
      expect(e.detail?.split('\n').filter((l) => l.startsWith('['))).toHaveLength(50)
      expect(e.detail).toMatch(/… 1150 more$/)
    }
  })

  it('adds -j, -l and --ext-unix-sk from the findings', () => {
    const plan = planDump({
      ...base,
      analysis: analysis([
        finding('tty', 'needs-option', '--shell-job'),
        finding('file-lock', 'needs-option', '--file-locks'),
        finding('external-unix-socket', 'needs-option', '--ext-unix-sk')
      ])
    })
    expect(plan).toMatchObject({ shellJob: true, fileLocks: true, extUnixSk: true, tcp: null })
  })

  it('leaves a flag out when the person says no, with a warning', () => {
    const plan = planDump({
      ...base,
      choices: { fileLocks: false },
      analysis: analysis([finding('file-lock', 'needs-option', '--file-locks')])
    })
    expect(plan.fileLocks).toBe(false)
    expect(plan.warnings.join(' ')).toContain('--file-locks was left out')
  })

  it('requires a TCP choice as root and picks nftables for --tcp-established', () => {
    const a = analysis([finding('tcp-established', 'needs-option', '--tcp-established')])
    expect(() => planDump({ ...base, analysis: a })).toThrow(/TCP connections/)
    const kept = planDump({ ...base, analysis: a, choices: { tcp: 'established' } })
    expect(kept).toMatchObject({ tcp: 'established', networkLock: 'nftables' })
    const closed = planDump({ ...base, analysis: a, choices: { tcp: 'close' } })
    expect(closed).toMatchObject({ tcp: 'close', networkLock: null })
  })

  it('sizes --ghost-limit from the largest deleted file', () => {
    expect(ghostLimitFor(512 * 1024)).toBeNull()
    expect(ghostLimitFor(4 * MiB)).toBe(5 * MiB)
    const tree = [
      proc([
        { fd: 3, kind: 'file', path: '/tmp/x', flags: 0, pos: 0, deleted: true, size: 3 * MiB + 1 }
      ])
    ]
    const plan = planDump({ ...base, tree, analysis: analysis([]) })
    expect(plan.ghostLimitBytes).toBe(5 * MiB)
  })

  it('warns about pipes, inotify, divergence and link-remap', () => {
    const plan = planDump({
      ...base,
      choices: { keepRunning: true, linkRemap: true },
      analysis: analysis([finding('external-pipe', 'warning'), finding('inotify', 'warning')])
    })
    expect(plan.warnings).toHaveLength(4)
  })
})

const plan: DumpPlan = {
  pid: 4242,
  startTicks: 1,
  tree: [4242],
  leaveRunning: true,
  shellJob: true,
  fileLocks: true,
  extUnixSk: false,
  tcp: 'established',
  networkLock: 'nftables',
  linkRemap: false,
  allowUprobes: false,
  ghostLimitBytes: 5 * MiB,
  warnings: []
}

describe('argv builders', () => {
  it('builds the root dump argv with the fixed head and the plan flags', () => {
    expect(dumpArgv(plan, { imagesDir: '/s/.tmp-x' }, 'root')).toEqual([
      'dump',
      '--no-default-config',
      '-D',
      '/s/.tmp-x',
      '-t',
      '4242',
      '-v4',
      '-o',
      'dump.log',
      '--display-stats',
      '--leave-running',
      '--shell-job',
      '--file-locks',
      '--tcp-established',
      '--network-lock',
      'nftables',
      '--ghost-limit',
      String(5 * MiB)
    ])
  })

  it('reuses the recorded flags on restore, without dump-only flags', () => {
    const flags = recordFlags(plan, [])
    expect(
      restoreArgv({ flags }, { imagesDir: '/s/id', pidfile: '/s/id/restored.pid' }, 'root')
    ).toEqual([
      'restore',
      '--no-default-config',
      '-D',
      '/s/id',
      '-d',
      '-v4',
      '-o',
      'restore.log',
      '--display-stats',
      '--pidfile',
      '/s/id/restored.pid',
      '--shell-job',
      '--file-locks',
      '--tcp-established',
      '--network-lock',
      'nftables'
    ])
  })

  it('leaves out only -d when criu must stay the parent (restore into a terminal)', () => {
    const flags = recordFlags(plan, [])
    const dirs = { imagesDir: '/s/id', pidfile: '/s/id/restored.pid' }
    const detached = restoreArgv({ flags }, dirs, 'root')
    const attached = restoreArgv({ flags }, dirs, 'root', { detach: false })
    expect(attached).toEqual(detached.filter((a) => a !== '-d'))
    expect(attached).toContain('--shell-job')
  })

  it('adds --unprivileged and refuses root-only flags in unprivileged mode', () => {
    expect(() => dumpArgv(plan, { imagesDir: '/d' }, 'unprivileged')).toThrow(AppError)
    const argv = dumpArgv(
      { ...plan, tcp: 'close', networkLock: null },
      { imagesDir: '/d', workDir: '/w', pluginDir: '/p' },
      'unprivileged'
    )
    expect(argv.slice(0, 8)).toEqual([
      'dump',
      '--no-default-config',
      '--unprivileged',
      '-L',
      '/p',
      '-D',
      '/d',
      '-W'
    ])
    expect(argv).toContain('--tcp-close')
  })

  it('rejects odd pids and ghost limits', () => {
    expect(() => dumpArgv({ ...plan, pid: 1 }, { imagesDir: '/d' }, 'root')).toThrow(AppError)
    expect(() => dumpArgv({ ...plan, ghostLimitBytes: -1 }, { imagesDir: '/d' }, 'root')).toThrow(
      AppError
    )
  })
})
