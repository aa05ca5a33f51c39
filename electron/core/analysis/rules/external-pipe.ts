import type { Finding } from '../../../common/model'
import { outsidePeers, peersLabel, procLabel } from '../describe'
import type { Rule } from '../rule'

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
      const outside = outsidePeers(fd.peers, ctx.treePids)
      if (outside.length === 0) continue
      const end = fd.end ? ` (${fd.end} end)` : ''
      const what = fd.variant === 'fifo' ? `FIFO ${fd.path ?? fd.inode}` : `pipe ${fd.inode}`
      evidence.push(`fd ${fd.fd}: ${what}${end}, other end held by ${peersLabel(outside)}`)
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
