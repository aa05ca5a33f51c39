import type { DeviceFd } from '../../../common/model'
import { procLabel } from '../describe'
import type { Rule } from '../rule'

export const isPtySlave = (fd: DeviceFd): boolean =>
  fd.devType === 'char' &&
  ((fd.major >= 136 && fd.major <= 143) || /^\/dev\/pts\/\d+$/.test(fd.path))

export const isPtyMaster = (fd: DeviceFd): boolean =>
  fd.devType === 'char' && ((fd.major === 5 && fd.minor === 2) || /\/ptmx$/.test(fd.path))

/**
 * `tty`: the tree is a "shell job" (D1/D2): the root is not a session leader or has a controlling
 * terminal, or the tree uses a terminal whose master side is outside it ("Unpaired slave").
 * CRIU then needs --shell-job on dump and on restore, and a restored terminal program needs a
 * terminal to come back to (§1.3 item 1).
 */
export const ttyRule: Rule = (ctx) => {
  const { root } = ctx
  const notLeader = root.sid !== root.pid
  const hasTerminal = root.ttyNr !== 0
  const slaves: string[] = []
  let hasMaster = false
  for (const p of ctx.tree) {
    for (const fd of p.fds) {
      if (fd.kind !== 'device') continue
      if (isPtyMaster(fd)) hasMaster = true
      else if (isPtySlave(fd)) slaves.push(`pid ${p.pid} fd ${fd.fd}: ${fd.path}`)
    }
  }
  const unpaired = !hasMaster && slaves.length > 0
  if (!notLeader && !hasTerminal && !unpaired) return []

  const evidence: string[] = []
  if (notLeader) evidence.push(`session ${root.sid}, not led by pid ${root.pid}`)
  if (hasTerminal) evidence.push(`controlling terminal ${root.tty ?? `tty_nr ${root.ttyNr}`}`)
  if (unpaired) evidence.push(...slaves)
  const why = hasTerminal
    ? `is attached to a terminal (${root.tty ?? `tty_nr ${root.ttyNr}`})`
    : notLeader
      ? `belongs to the session of another process (${root.sid})`
      : 'uses a terminal that belongs to a program outside the tree'
  return [
    {
      id: 'tty',
      severity: 'needs-option',
      pid: root.pid,
      option: '--shell-job',
      message:
        `Process ${procLabel(root)} ${why}. CRIU freezes it as a "shell job" (--shell-job), ` +
        `and at restore it joins the session of whoever restores it` +
        (hasTerminal || unpaired
          ? `; a program that uses the terminal needs a terminal to come back to, and ends ` +
            `when that terminal closes.`
          : '.'),
      evidence
    }
  ]
}
