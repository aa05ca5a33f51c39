import type { Rule } from '../rule'
import { procLabel } from '../describe'

/** How many descendant pids the evidence names before summarising. */
const LISTED = 20

/** `children`: the process has descendants; CRIU freezes the whole tree together. */
export const childrenRule: Rule = (ctx) => {
  const descendants = ctx.tree.slice(1)
  if (descendants.length === 0) return []
  const listed = descendants.slice(0, LISTED).map(procLabel)
  if (descendants.length > LISTED) listed.push(`… and ${descendants.length - LISTED} more`)
  return [
    {
      id: 'children',
      severity: 'info',
      pid: ctx.root.pid,
      message:
        `Process ${procLabel(ctx.root)} has ${descendants.length} descendant ` +
        `process${descendants.length === 1 ? '' : 'es'}; they are frozen and restored together with it.`,
      evidence: listed
    }
  ]
}
