import type { Rule } from '../rule'
import { procLabel } from '../describe'

/**
 * `tty`: the root is not a session leader or has a controlling terminal (D1/D2). CRIU then needs
 * --shell-job on dump and on restore, and a restored terminal program needs a terminal to come
 * back to (§1.3 item 1).
 */
export const ttyRule: Rule = (ctx) => {
  const { root } = ctx
  const notLeader = root.sid !== root.pid
  const hasTerminal = root.ttyNr !== 0
  if (!notLeader && !hasTerminal) return []
  const evidence: string[] = []
  if (notLeader) evidence.push(`session ${root.sid}, not led by pid ${root.pid}`)
  if (hasTerminal) evidence.push(`controlling terminal ${root.tty ?? `tty_nr ${root.ttyNr}`}`)
  const why = hasTerminal
    ? `is attached to a terminal (${root.tty ?? `tty_nr ${root.ttyNr}`})`
    : `belongs to the session of another process (${root.sid})`
  return [
    {
      id: 'tty',
      severity: 'needs-option',
      pid: root.pid,
      option: '--shell-job',
      message:
        `Process ${procLabel(root)} ${why}. CRIU freezes it as a "shell job" (--shell-job), ` +
        `and at restore it joins the session of whoever restores it` +
        (hasTerminal
          ? `; a program that uses the terminal needs a terminal to come back to, and ends ` +
            `when that terminal closes.`
          : '.'),
      evidence
    }
  ]
}
