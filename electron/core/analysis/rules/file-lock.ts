import type { FileLock, Finding, ProcessInfo } from '../../../common/model'
import { PEERS_LISTED, procLabel } from '../describe'
import { lockKey, splitHolders } from '../holders'
import type { Rule, RuleContext } from '../rule'

function describeLock(l: FileLock): string {
  const where = l.path ?? `device ${l.dev} inode ${l.inode}`
  const fd = l.fd === null ? '' : `fd ${l.fd}: `
  const range = l.start === '0' && l.end === 'EOF' ? '' : ` bytes ${l.start}-${l.end}`
  return `${fd}${l.kind} ${l.access} lock on ${where}${range}`
}

/**
 * Processes outside the tree that lock the same file (they contend for it while frozen), named
 * up to PEERS_LISTED and counted beyond; '' when there are none. A range split, not a walk:
 * thousands of processes can share one locked open file (everything started under flock(1)).
 */
function outsideHolders(l: FileLock, ctx: RuleContext): string {
  const split = splitHolders(ctx.lockHolders.get(lockKey(l)), ctx.range, PEERS_LISTED)
  if (split.outside === 0) return ''
  const names = split.firstOutside.map((pid) => {
    const p = ctx.byPid.get(pid)
    return p ? procLabel(p) : String(pid)
  })
  const more = split.outside - names.length
  return names.join(', ') + (more > 0 ? `, and ${more} more` : '')
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
    const others = p.locks.map((l) => outsideHolders(l, ctx))
    if (others.every((o) => o === '')) {
      // The usual case does not depend on the tree: judge it once per scan.
      let memo = ctx.memo?.get('file-lock')
      if (ctx.memo && !memo) {
        memo = new Map<number, readonly Finding[]>()
        ctx.memo.set('file-lock', memo)
      }
      let found = memo?.get(p.pid)
      if (!found) {
        found = [lockFinding(p, p.locks.map(describeLock), false)]
        memo?.set(p.pid, found)
      }
      findings.push(...found)
      continue
    }
    const evidence = p.locks.map(
      (l, i) => describeLock(l) + (others[i] !== '' ? `, also locked by ${others[i]!}` : '')
    )
    findings.push(lockFinding(p, evidence, true))
  }
  return findings
}

function lockFinding(p: ProcessInfo, evidence: string[], contended: boolean): Finding {
  const count = p.locks.length === 1 ? 'a file lock' : `${p.locks.length} file locks`
  return {
    id: 'file-lock',
    severity: 'needs-option',
    pid: p.pid,
    option: '--file-locks',
    message:
      `Process ${procLabel(p)} holds ${count}. CRIU saves locks only with --file-locks (and ` +
      `must restore with it too). CRIU cannot know about other programs that use the same ` +
      `file: while the process is frozen its lock is gone and they may take it, so this is ` +
      `safe only when no process outside the frozen tree uses the lock.` +
      (contended
        ? ' Here a process outside the tree locks the same file: restore may fail or the ' +
          'files may be changed behind the program’s back.'
        : ''),
    evidence
  }
}
