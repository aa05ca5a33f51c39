import type { Finding } from '../../../common/model'
import { procLabel } from '../describe'
import { perProcess, type Rule } from '../rule'

/**
 * `inotify`: file-watch descriptors are saved, but events queued at freeze time are dropped
 * (§1.3 item 8) and changes while frozen are never reported.
 */
export const inotifyRule: Rule = (ctx) => {
  return perProcess(ctx, 'inotify', (p) => {
    const findings: Finding[] = []
    const evidence: string[] = []
    for (const fd of p.fds) {
      if (fd.kind === 'anon' && (fd.anonKind === 'inotify' || fd.anonKind === 'fanotify')) {
        evidence.push(`fd ${fd.fd}: ${fd.target}`)
      }
    }
    if (evidence.length === 0) return findings
    findings.push({
      id: 'inotify',
      severity: 'warning',
      pid: p.pid,
      message:
        `Process ${procLabel(p)} watches files for changes. The watches are saved, but ` +
        `pending events are dropped and changes made while it is frozen are never reported; ` +
        `the program may miss that a file changed.`,
      evidence
    })
    return findings
  })
}
