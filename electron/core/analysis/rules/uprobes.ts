import type { Finding } from '../../../common/model'
import { procLabel } from '../describe'
import { perProcess, type Rule } from '../rule'

/** `uprobes`: a [uprobes] mapping (a tracing tool probes the program): needs --allow-uprobes (D24). */
export const uprobesRule: Rule = (ctx) => {
  return perProcess(ctx, 'uprobes', (p) => {
    const findings: Finding[] = []
    if (!p.maps?.uprobes) return findings
    findings.push({
      id: 'uprobes',
      severity: 'needs-option',
      pid: p.pid,
      option: '--allow-uprobes',
      message:
        `Process ${procLabel(p)} has user-space probes set by a tracing tool (perf, bpftrace). ` +
        `CRIU freezes it only with --allow-uprobes, and the probes are not active after restore.`,
      evidence: [`pid ${p.pid}: [uprobes] mapping`]
    })
    return findings
  })
}
