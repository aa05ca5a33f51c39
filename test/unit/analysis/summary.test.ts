import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import type { FdEntry, ProcessInfo } from '../../../electron/common/model'
import { analyzeAll } from '../../../electron/core/analysis/analyze'
import type { AnalysisContext } from '../../../electron/core/analysis/context'
import { summarizeAll } from '../../../electron/core/analysis/summary'
import {
  ROOT_CONTEXT,
  USER_CONTEXT,
  anon,
  device,
  file,
  lock,
  peer,
  pipe,
  proc,
  scanOf,
  tcpSocket,
  unixSocket,
  withFds
} from './builders'

/** A small deterministic random source, so a failing seed can be replayed. */
function random(seed: number): (n: number) => number {
  let a = seed >>> 0
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (((t ^ (t >>> 14)) >>> 0) % 1_000_000) % n
  }
}

/** A random forest of processes sharing pipes and sockets, with the odd blocker. */
function randomScan(seed: number) {
  const r = random(seed)
  const count = 1 + r(12)
  const pids = Array.from({ length: count }, (_, i) => 100 + i)
  const pick = () => (r(6) === 0 ? 999 : pids[r(count)]!)
  const processes: ProcessInfo[] = pids.map((pid, i) => {
    const fds: FdEntry[] = []
    const extra = r(5)
    for (let k = 0; k < extra; k++) {
      const fd = 3 + k
      switch (r(9)) {
        case 0:
        case 1:
          fds.push(pipe(fd, 1 + r(4), r(2) ? [peer(pick())] : []))
          break
        case 2:
        case 3:
          fds.push(
            unixSocket(fd, {
              inode: 10 + r(8),
              peerInode: r(5) === 0 ? null : 10 + r(8),
              type: r(2) ? 'stream' : 'dgram',
              state: r(4) === 0 ? 'LISTEN' : 'CONNECTED',
              peerKnown: r(6) !== 0,
              peers: r(2) ? [peer(pick())] : []
            })
          )
          break
        case 4:
          fds.push(
            [
              device(fd, '/dev/pts/1', 136, 1),
              device(fd, '/dev/ptmx', 5, 2),
              device(fd, '/dev/kvm', 10, 232)
            ][r(3)]!
          )
          break
        case 5:
          fds.push(tcpSocket(fd, { state: r(2) ? 'ESTABLISHED' : 'LISTEN' }))
          break
        case 6:
          fds.push(anon(fd, r(2) ? 'io_uring' : 'inotify'))
          break
        case 7:
          fds.push(file(fd, '/tmp/x', { deleted: true, size: r(2) ? 10 : 5 << 20 }))
          break
        default:
          fds.push(anon(fd, 'eventfd'))
      }
    }
    return proc(pid, {
      ppid: i === 0 || r(4) === 0 ? 1 : pids[r(i)]!,
      sid: r(3) === 0 ? pids[r(count)]! : pid,
      ttyNr: r(6) === 0 ? 34817 : 0,
      state: r(10) === 0 ? 'Z' : 'S',
      kernelThread: r(25) === 0,
      tracerPid: r(15) === 0 ? 7 : 0,
      uid: r(5) === 0 ? 0 : 1000,
      uids: null,
      fds: withFds(...fds),
      locks: r(6) === 0 ? [lock({ inode: r(3) })] : [],
      unreadable: r(8) === 0 ? ['fd: permission denied'] : [],
      maps: { devices: [], sysvShm: r(20) === 0, uprobes: r(20) === 0, deletedFiles: [] }
    })
  })
  return scanOf(processes, { selfPid: r(4) === 0 ? pids[r(count)]! : 9999 })
}

/** What `icebox ps` needs, computed the long way from the full analysis. */
function viaAnalyze(scan: ReturnType<typeof randomScan>, ctx: AnalysisContext) {
  const out = new Map<number, object>()
  for (const [pid, a] of analyzeAll(scan, ctx)) {
    const ids = [...new Set(a.findings.map((f) => f.id))]
    const notable = [...new Set(a.findings.filter((f) => f.severity !== 'info').map((f) => f.id))]
    out.set(pid, {
      pid,
      verdict: a.verdict,
      findingIds: ids,
      notableIds: notable,
      criuOptions: a.criuOptions
    })
  }
  return out
}

describe('summarizeAll', () => {
  it.each([
    ['root', ROOT_CONTEXT],
    ['user', USER_CONTEXT]
  ])('agrees with analyzeAll on random process forests (%s)', (_, ctx) => {
    fc.assert(
      fc.property(fc.nat(), (seed) => {
        const scan = randomScan(seed)
        expect(summarizeAll(scan, ctx)).toEqual(viaAnalyze(scan, ctx))
      }),
      { numRuns: 400 }
    )
  })

  it('summarises only the asked pids', () => {
    const scan = scanOf([proc(100), proc(101, { ppid: 100 })])
    expect([...summarizeAll(scan, ROOT_CONTEXT, [101, 555]).keys()]).toEqual([101])
  })
})
