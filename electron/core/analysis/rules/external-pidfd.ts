import type { Finding } from '../../../common/model'
import { procLabel } from '../describe'
import { perProcess, type Rule } from '../rule'

/**
 * `external-pidfd`: a pidfd (a handle on another process) whose process is outside the tree.
 * CRIU saves pidfds only of processes it freezes too; otherwise the dump fails with "pidfd pid N
 * is not a part of process tree" (criu-in-practice D17). A pidfd of a process already gone
 * (pid -1) is fine.
 */
export const externalPidfdRule: Rule = (ctx) =>
  perProcess(ctx, 'external-pidfd', (p) => {
    const outside: string[] = []
    for (const fd of p.fds) {
      if (fd.kind !== 'anon' || fd.anonKind !== 'pidfd') continue
      const target = fd.pidfdPid
      if (target === undefined || target === null || target <= 0 || ctx.treePids.has(target)) {
        continue
      }
      const holder = ctx.byPid.get(target)
      outside.push(`fd ${fd.fd}: pidfd of ${holder ? procLabel(holder) : `pid ${target}`}`)
    }
    if (outside.length === 0) return null
    const finding: Finding = {
      id: 'external-pidfd',
      severity: 'blocker',
      pid: p.pid,
      message:
        `Process ${procLabel(p)} holds a handle (pidfd) on a process outside what would be ` +
        `frozen. CRIU can save such a handle only when it freezes that process too, so the ` +
        `freeze would fail. Freeze the tree that contains both, or let the program close the handle.`,
      evidence: outside
    }
    return finding
  })
