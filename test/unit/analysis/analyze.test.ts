import { describe, expect, it } from 'vitest'

import { AppError } from '../../../electron/common/errors'
import { analyze, analyzeAll, optionsOf, verdictOf } from '../../../electron/core/analysis/analyze'
import { ROOT_CONTEXT, SELF_PID, anon, lock, proc, scanOf, tcpSocket, withFds } from './builders'

describe('analyze', () => {
  it('finds a plain session leader on /dev/null freezable with only the start-time note', () => {
    const a = analyze(scanOf([proc(100)]), 100, ROOT_CONTEXT)
    expect(a).toMatchObject({ pid: 100, verdict: 'freezable', tree: [100], criuOptions: [] })
    expect(a.findings.map((f) => f.id)).toEqual(['start-time-changes'])
  })

  it('takes the tree by ppid, breadth first, and ignores processes outside it', () => {
    const scan = scanOf([
      proc(100),
      proc(101, { ppid: 100 }),
      proc(102, { ppid: 101 }),
      proc(103, { ppid: 100 }),
      proc(200)
    ])
    expect(analyze(scan, 100, ROOT_CONTEXT).tree).toEqual([100, 101, 103, 102])
  })

  it('needs options when a finding needs one and lists each first-choice flag once', () => {
    const scan = scanOf([
      proc(100, { sid: 1, fds: withFds(tcpSocket(3), tcpSocket(4)), locks: [lock()] }),
      proc(101, { ppid: 100, fds: withFds(tcpSocket(5)) })
    ])
    const a = analyze(scan, 100, ROOT_CONTEXT)
    expect(a.verdict).toBe('needs-options')
    expect(a.criuOptions).toEqual(['--tcp-established', '--file-locks', '--shell-job'])
  })

  it('is blocked when any finding is a blocker, and lists blockers first', () => {
    const scan = scanOf([proc(100, { fds: withFds(anon(3, 'io_uring'), tcpSocket(4)) })])
    const a = analyze(scan, 100, ROOT_CONTEXT)
    expect(a.verdict).toBe('blocked')
    expect(a.findings[0]!.severity).toBe('blocker')
    expect(a.criuOptions).toEqual(['--tcp-established'])
  })

  it('throws NO_SUCH_PROCESS for an unknown pid', () => {
    expect.assertions(2)
    try {
      analyze(scanOf([proc(100)]), 4242, ROOT_CONTEXT)
    } catch (err) {
      expect(err).toBeInstanceOf(AppError)
      expect((err as AppError).code).toBe('NO_SUCH_PROCESS')
    }
  })

  it('reports only kernel-thread for a kernel thread', () => {
    const kthread = proc(2, { kernelThread: true, sid: 0, ppid: 0, fds: [] })
    const a = analyze(scanOf([kthread]), 2, ROOT_CONTEXT)
    expect(a.findings.map((f) => f.id)).toEqual(['kernel-thread'])
    expect(a.verdict).toBe('blocked')
  })

  it('analyzeAll gives the same answer as analyze for every process', () => {
    const scan = scanOf([
      proc(1, { ppid: 0 }),
      proc(100, { ppid: 1 }),
      proc(101, { ppid: 100, tracerPid: 5 }),
      proc(SELF_PID, { ppid: 1 })
    ])
    const all = analyzeAll(scan, ROOT_CONTEXT)
    expect([...all.keys()]).toEqual([1, 100, 101, SELF_PID])
    for (const pid of all.keys()) expect(all.get(pid)).toEqual(analyze(scan, pid, ROOT_CONTEXT))
    expect(all.get(1)!.verdict).toBe('blocked')
    expect(all.get(100)!.verdict).toBe('blocked')
    expect(all.get(SELF_PID)!.findings.map((f) => f.id)).toContain('self')
  })
})

describe('verdictOf / optionsOf', () => {
  it('ranks blocker over needs-option over the rest', () => {
    const f = (severity: 'blocker' | 'needs-option' | 'warning' | 'info') => ({
      id: 'device' as const,
      severity,
      pid: 1,
      message: '',
      evidence: []
    })
    expect(verdictOf([])).toBe('freezable')
    expect(verdictOf([f('warning'), f('info')])).toBe('freezable')
    expect(verdictOf([f('warning'), f('needs-option')])).toBe('needs-options')
    expect(verdictOf([f('needs-option'), f('blocker')])).toBe('blocked')
    expect(optionsOf([{ ...f('warning'), option: '--ghost-limit' }])).toEqual([])
  })
})
