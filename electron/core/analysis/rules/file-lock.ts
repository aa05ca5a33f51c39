import type { FileLock, Finding } from '../../../common/model'
import { procLabel } from '../describe'
import type { Rule } from '../rule'

function describeLock(l: FileLock): string {
  const where = l.path ?? `device ${l.dev} inode ${l.inode}`
  const fd = l.fd === null ? '' : `fd ${l.fd}: `
  const range = l.start === '0' && l.end === 'EOF' ? '' : ` bytes ${l.start}-${l.end}`
  return `${fd}${l.kind} ${l.access} lock on ${where}${range}`
}

/**
 * `file-lock`: the tree holds flock, POSIX or OFD locks. Without --file-locks the dump fails
 * (D9); with it the locks are saved, and restore must pass the flag too or the lock silently
 * disappears.
 */
export const fileLockRule: Rule = (ctx) => {
  const findings: Finding[] = []
  for (const p of ctx.tree) {
    if (p.locks.length === 0) continue
    findings.push({
      id: 'file-lock',
      severity: 'needs-option',
      pid: p.pid,
      option: '--file-locks',
      message:
        `Process ${procLabel(p)} holds ${p.locks.length === 1 ? 'a file lock' : `${p.locks.length} file locks`}. ` +
        `CRIU saves locks only with --file-locks (and must restore with it too). While the ` +
        `process is frozen the lock is released, so another program may take it; CRIU cannot ` +
        `know about such outside users, which makes this safe only when no process outside ` +
        `the frozen tree uses the same file.`,
      evidence: p.locks.map(describeLock)
    })
  }
  return findings
}
