import type { Finding } from '../../../common/model'
import { procLabel } from '../describe'
import { perProcess, type Rule } from '../rule'

/**
 * `other-user`: in user mode Icebox freezes only the user's own processes (the helper refuses
 * others). A process whose real, effective or saved uid differs belongs to someone else or runs
 * with extra privilege (setuid).
 */
export const otherUserRule: Rule = (ctx) => {
  if (ctx.context.mode !== 'user') return []
  return perProcess(ctx, 'other-user', (p) => {
    const findings: Finding[] = []
    const uids = p.uids ? p.uids.slice(0, 3) : [p.uid]
    const foreign = uids.filter((u) => u !== ctx.context.uid)
    if (foreign.length === 0) return findings
    findings.push({
      id: 'other-user',
      severity: 'blocker',
      pid: p.pid,
      message:
        `Process ${procLabel(p)} runs as user ${p.user} (uid ${foreign[0]}), not as you. ` +
        `You can only freeze your own processes; run Icebox as root (sudo) to freeze it.`,
      evidence: [`pid ${p.pid}: uids ${uids.join('/')} (${p.user}), yours ${ctx.context.uid}`]
    })
    return findings
  })
}
