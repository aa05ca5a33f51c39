/**
 * What a rule sees and what it returns. Rules are pure functions over the process tree CRIU
 * would take (the root and its descendants); a peer is external when it is outside that tree.
 */
import type { Finding, ProcessInfo, SocketFd } from '../../common/model'
import type { AnalysisContext } from './context'
import type { InodeHolders, TreeRange } from './holders'

export interface RuleContext {
  /** The process the user wants to freeze. */
  root: ProcessInfo
  /** The root first, then its descendants (breadth first). */
  tree: ProcessInfo[]
  /** Pids of `tree`, for "is this peer inside?" checks. */
  treePids: ReadonlySet<number>
  /** Every process of the scan by pid (peers outside the tree are looked up here). */
  byPid: ReadonlyMap<number, ProcessInfo>
  context: AnalysisContext
  /** Icebox's own pid. */
  selfPid: number
  /** Who locks each file, by lockKey ("dev:inode"), to find holders outside the tree. */
  lockHolders: ReadonlyMap<string, InodeHolders>
  /** The tree as a range of depth-first numbers (see holders.ts). */
  range: TreeRange
  /** Holders of every pipe and socket inode, for "is the other end outside?" checks. */
  pipeHolders: ReadonlyMap<number, InodeHolders>
  socketHolders: ReadonlyMap<number, InodeHolders>
  /** Every socket of the scan by inode. */
  socketByInode: ReadonlyMap<number, SocketFd>
  /** Whether `ss` resolved unix socket peers during the scan. */
  ssAvailable: boolean
  /**
   * Findings of one process that do not depend on the tree, shared by every analysis of the
   * same scan (analyzeAll): a process deep in the tree is then judged once, not once per
   * ancestor. Use through `perProcess`. null when every process is judged in one tree only
   * (the summary of `icebox ps`): there is nothing to reuse, and remembering would only cost.
   */
  memo: Map<string, Map<number, readonly Finding[]>> | null
}

/** One entry of the rules catalogue (DESIGN.md §4). */
export type Rule = (ctx: RuleContext) => Finding[]

const NONE: readonly Finding[] = []

/**
 * Runs `judge` on every process of the tree and collects what it returns, remembering the
 * answer per process under `key` for the other analyses of the same scan. `judge` must depend
 * only on the process and on scan-wide facts (byPid, context), never on the tree.
 */
export function perProcess(
  ctx: RuleContext,
  key: string,
  judge: (p: ProcessInfo) => Finding | Finding[] | null
): Finding[] {
  let memo: Map<number, readonly Finding[]> | null = null
  if (ctx.memo) {
    memo = ctx.memo.get(key) ?? null
    if (!memo) {
      memo = new Map()
      ctx.memo.set(key, memo)
    }
  }
  const out: Finding[] = []
  for (const p of ctx.tree) {
    let found = memo?.get(p.pid)
    if (found === undefined) {
      const judged = judge(p)
      found = judged === null ? NONE : Array.isArray(judged) ? judged : [judged]
      memo?.set(p.pid, found)
    }
    for (const f of found) out.push(f)
  }
  return out
}
