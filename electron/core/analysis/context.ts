/**
 * Who is asking for the analysis: root can freeze anyone's process, a user only their own
 * (through the helper). Some rules (other-user, tcp-established) depend on it.
 */

/** The privilege the freeze would run with. */
export interface AnalysisContext {
  mode: 'root' | 'user'
  /** The uid of the person asking (their own processes are freezable in user mode). */
  uid: number
}

/** The context of the running Icebox process: root when its effective uid is 0. */
export function currentContext(): AnalysisContext {
  const euid = process.geteuid?.() ?? process.getuid?.() ?? -1
  const uid = process.getuid?.() ?? euid
  return euid === 0 ? { mode: 'root', uid: 0 } : { mode: 'user', uid }
}
