import type { Finding } from '../../../common/model'
import { procLabel } from '../describe'
import type { Rule } from '../rule'

/**
 * `zombie`: a process of the tree has exited but was not reaped. Zombie children are saved as
 * such (info); a zombie root has nothing left to freeze (blocker).
 */
export const zombieRule: Rule = (ctx) => {
  const findings: Finding[] = []
  for (const p of ctx.tree) {
    if (p.state !== 'Z') continue
    const isRoot = p.pid === ctx.root.pid
    findings.push({
      id: 'zombie',
      severity: isRoot ? 'blocker' : 'info',
      pid: p.pid,
      message: isRoot
        ? `Process ${procLabel(p)} has already exited (a zombie waiting for its parent); there is nothing left to freeze.`
        : `Process ${procLabel(p)} has exited but its parent has not collected it yet (a ` +
          `zombie). CRIU saves it as a zombie; the parent will collect it after restore.`,
      evidence: [`pid ${p.pid}: state Z`]
    })
  }
  return findings
}
