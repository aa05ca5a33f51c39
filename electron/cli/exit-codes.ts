/**
 * Exit codes of `icebox`. They mean the same thing for every command so scripts can rely on them.
 */
export const EXIT = {
  /** Done; for `check`: the tree can be frozen (maybe with options). */
  ok: 0,
  /** `check`/`freeze`: the tree cannot be frozen (a blocker finding). Other commands: failed. */
  notFreezable: 1,
  failure: 1,
  /** Bad arguments. */
  usage: 2,
  /** No such process or snapshot, or no permission to see it. */
  notFound: 3
} as const
