/**
 * What a rule sees and what it returns. Rules are pure functions over the process tree CRIU
 * would take (the root and its descendants); a peer is external when it is outside that tree.
 */
import type { Finding, ProcessInfo } from '../../common/model'
import type { AnalysisContext } from './context'
import type { HeldLock } from './tree'

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
  /** Every lock of the scan by "dev:inode" (see lockKey), to find holders outside the tree. */
  locksByFile: ReadonlyMap<string, HeldLock[]>
  /** Whether `ss` resolved unix socket peers during the scan. */
  ssAvailable: boolean
}

/** One entry of the rules catalogue (DESIGN.md §4). */
export type Rule = (ctx: RuleContext) => Finding[]
