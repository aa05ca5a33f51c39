import type { AnonKind, Finding } from '../../../common/model'
import { procLabel } from '../describe'
import { perProcess, type Rule } from '../rule'

/** Anonymous-inode kinds CRIU 4.2 cannot dump (D15, D16), with what they are for. */
const UNSUPPORTED: Partial<Record<AnonKind, string>> = {
  io_uring: 'io_uring (fast asynchronous I/O)',
  userfaultfd: 'userfaultfd (user-space page fault handling)',
  perf_event: 'perf_event (performance counters)',
  'bpf-map': 'a BPF map',
  'bpf-prog': 'a BPF program',
  'bpf-link': 'a BPF link',
  dmabuf: 'a DMA buffer (shared with a device driver)'
}

/**
 * `unsupported-fd`: file descriptors of a kind CRIU cannot save. Kinds Icebox does not recognise
 * at all are reported as a warning: CRIU may or may not know them.
 */
export const unsupportedFdRule: Rule = (ctx) => {
  return perProcess(ctx, 'unsupported-fd', (p) => {
    const findings: Finding[] = []
    const blocked: string[] = []
    const kinds = new Set<string>()
    const unknown: string[] = []
    for (const fd of p.fds) {
      if (fd.kind === 'anon') {
        const what = UNSUPPORTED[fd.anonKind]
        if (what) {
          blocked.push(`fd ${fd.fd}: ${fd.target}`)
          kinds.add(what)
        } else if (fd.anonKind === 'other') {
          unknown.push(`fd ${fd.fd}: ${fd.target}`)
        }
      } else if (fd.kind === 'unknown') {
        unknown.push(`fd ${fd.fd}: ${fd.target}`)
      }
    }
    if (blocked.length > 0) {
      findings.push({
        id: 'unsupported-fd',
        severity: 'blocker',
        pid: p.pid,
        message:
          `Process ${procLabel(p)} uses ${[...kinds].join(', ')}. CRIU cannot save this kind ` +
          `of file descriptor, so the freeze would fail. Only the program itself can stop ` +
          `using it (some programs have a setting to turn it off).`,
        evidence: blocked
      })
    }
    if (unknown.length > 0) {
      findings.push({
        id: 'unsupported-fd',
        severity: 'warning',
        pid: p.pid,
        message:
          `Process ${procLabel(p)} has file descriptors of a kind Icebox does not recognise. ` +
          `CRIU may not be able to save them; if the freeze fails, its log names the fd.`,
        evidence: unknown
      })
    }
    return findings
  })
}
