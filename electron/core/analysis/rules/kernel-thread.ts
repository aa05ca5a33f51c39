import type { Finding } from '../../../common/model'
import { procLabel } from '../describe'
import { perProcess, type Rule } from '../rule'

/** `kernel-thread`: kernel threads are part of the kernel, not programs CRIU can save. */
export const kernelThreadRule: Rule = (ctx) => {
  return perProcess(ctx, 'kernel-thread', (p) => {
    const findings: Finding[] = []
    if (!p.kernelThread) return findings
    findings.push({
      id: 'kernel-thread',
      severity: 'blocker',
      pid: p.pid,
      message: `${procLabel(p)} is a kernel thread: it is part of the kernel, not a program, and cannot be frozen.`,
      evidence: [`pid ${p.pid}: kernel thread ${p.name}`]
    })
    return findings
  })
}
