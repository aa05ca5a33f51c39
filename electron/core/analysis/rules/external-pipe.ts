import type { Finding, PeerRef, PipeFd } from '../../../common/model'
import { PEERS_LISTED, outsidePeers, peersSummary, procLabel } from '../describe'
import { peerRefFor, splitHolders } from '../holders'
import type { Rule, RuleContext } from '../rule'

/** The holders of the pipe outside the tree: the first few, and how many in all. */
function outsideEnds(fd: PipeFd, ctx: RuleContext): { listed: PeerRef[]; total: number } {
  const holders = ctx.pipeHolders.get(fd.inode)
  if (holders && holders.pids.length > 1) {
    const split = splitHolders(holders, ctx.range, PEERS_LISTED)
    const listed = split.firstOutside.map((pid) => peerRefFor(pid, fd.inode, 'pipe', ctx.byPid))
    return { listed, total: split.outside }
  }
  // The scan knows peers the fds of the scan do not show (e.g. a FIFO opened elsewhere).
  const outside = outsidePeers(fd.peers, ctx.treePids)
  return { listed: outside.slice(0, PEERS_LISTED), total: outside.length }
}

/**
 * `external-pipe`: a pipe or FIFO shared with a process outside the tree. CRIU dumps it without
 * complaint, but the restored process gets a new pipe whose other end is gone (§1.3 item 3).
 */
export const externalPipeRule: Rule = (ctx) => {
  const findings: Finding[] = []
  for (const p of ctx.tree) {
    const evidence: string[] = []
    for (const fd of p.fds) {
      if (fd.kind !== 'pipe') continue
      const { listed, total } = outsideEnds(fd, ctx)
      if (total === 0) continue
      const end = fd.end ? ` (${fd.end} end)` : ''
      const what = fd.variant === 'fifo' ? `FIFO ${fd.path ?? fd.inode}` : `pipe ${fd.inode}`
      evidence.push(`fd ${fd.fd}: ${what}${end}, other end held by ${peersSummary(listed, total)}`)
    }
    if (evidence.length === 0) continue
    findings.push({
      id: 'external-pipe',
      severity: 'warning',
      pid: p.pid,
      message:
        `Process ${procLabel(p)} shares a pipe with a process outside the tree. The freeze ` +
        `works, but after restore the pipe is a new one whose other end is gone: the program ` +
        `reads end-of-file or gets "broken pipe" when writing. Freeze both programs together ` +
        `(freeze a common parent) if they must keep talking.`,
      evidence
    })
  }
  return findings
}
