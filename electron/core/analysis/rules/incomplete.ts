import { procLabel } from '../describe'
import { perProcess, type Rule } from '../rule'

/** How many of a process's unreadable items evidence names. */
const LISTED = 8

/**
 * `incomplete`: the scanner could not read everything about a process (permission, a socket
 * missing from /proc/net, a file that vanished). A problem hiding there would not be found here;
 * CRIU would still report it when freezing.
 */
export const incompleteRule: Rule = (ctx) =>
  perProcess(ctx, 'incomplete', (p) => {
    if (p.unreadable.length === 0) return null
    const evidence = p.unreadable.slice(0, LISTED).map((what) => `pid ${p.pid}: ${what}`)
    if (p.unreadable.length > LISTED) evidence.push(`… and ${p.unreadable.length - LISTED} more`)
    return {
      id: 'incomplete',
      severity: 'warning',
      pid: p.pid,
      message:
        `Icebox could not read everything about process ${procLabel(p)}, so this check may ` +
        `miss a problem there. If something stands in the way, the freeze fails and says why.`,
      evidence
    }
  })
