import type { Rule } from '../rule'
import { procLabel } from '../describe'

/**
 * `self`: Icebox would freeze itself — the process is Icebox, or one of its ancestors (a tree
 * includes every descendant, and Icebox is one of them).
 */
export const selfRule: Rule = (ctx) => {
  if (!ctx.treePids.has(ctx.selfPid)) return []
  const isSelf = ctx.root.pid === ctx.selfPid
  return [
    {
      id: 'self',
      severity: 'blocker',
      pid: ctx.root.pid,
      message: isSelf
        ? `Process ${procLabel(ctx.root)} is Icebox itself; it cannot freeze itself.`
        : `Icebox (pid ${ctx.selfPid}) runs inside the tree of ${procLabel(ctx.root)}, so ` +
          `freezing it would freeze Icebox too. Freeze a process further down instead.`,
      evidence: [`Icebox pid ${ctx.selfPid}`]
    }
  ]
}
