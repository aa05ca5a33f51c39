import type { Finding } from '../../../common/model'
import { procLabel } from '../describe'
import { perProcess, type Rule } from '../rule'

/**
 * `traced`: CRIU seizes every task with ptrace; a task that already has a tracer (strace, gdb,
 * a crash handler) cannot be seized, and the dump fails with "Unable to interrupt task".
 */
export const tracedRule: Rule = (ctx) => {
  return perProcess(ctx, 'traced', (p) => {
    const findings: Finding[] = []
    if (p.tracerPid === 0) return findings
    const tracer = ctx.byPid.get(p.tracerPid)
    const tracerText = tracer ? procLabel(tracer) : String(p.tracerPid)
    findings.push({
      id: 'traced',
      severity: 'blocker',
      pid: p.pid,
      message:
        `Process ${procLabel(p)} is being traced by ${tracerText} (a debugger or tracer such as ` +
        `gdb or strace). CRIU freezes processes through the same kernel interface and cannot ` +
        `attach while another tracer holds it. Detach the debugger or stop the tracer first.`,
      evidence: [`pid ${p.pid}: TracerPid ${p.tracerPid}${tracer ? ` (${tracer.name})` : ''}`]
    })
    return findings
  })
}
