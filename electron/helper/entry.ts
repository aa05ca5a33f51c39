/**
 * Entry checks of the helper (security-model.md §5.1): who runs it, for whom, and for which
 * operation. Pure functions: the caller passes in process facts.
 */
import { AppError } from '../common/errors'
import { HELPER_OPS, type HelperOp } from '../core/privilege/protocol'

function refused(message: string, why: string): AppError {
  return new AppError({
    code: 'HELPER_REFUSED',
    message,
    why,
    remedy: 'Run Icebox as yourself; it starts the helper through pkexec when needed.'
  })
}

/** `node script op`: exactly one argument, the operation. */
export function opFromArgv(argv: readonly string[]): HelperOp {
  if (argv.length !== 3) {
    throw new AppError({
      code: 'BAD_INPUT',
      message: 'The helper takes exactly one argument, the operation.',
      why: `It was given ${Math.max(0, argv.length - 2)} arguments.`,
      remedy: 'Use the icebox command or app; do not call the helper by hand.'
    })
  }
  const op = argv[2] as string
  if (!(HELPER_OPS as readonly string[]).includes(op)) {
    throw new AppError({
      code: 'BAD_INPUT',
      message: 'Unknown helper operation.',
      why: `The operation must be one of ${HELPER_OPS.join(', ')}.`,
      remedy: 'Use the icebox command or app; do not call the helper by hand.',
      detail: op.slice(0, 40).replace(/[^\x20-\x7e]/g, '?')
    })
  }
  return op as HelperOp
}

/** The helper must run as real and effective root (it is not setuid; pkexec makes it root). */
export function checkRoot(uid: number, euid: number): void {
  if (uid !== 0 || euid !== 0) {
    throw refused(
      'The helper must be started by pkexec.',
      'It runs as root on behalf of a user and was started without root privileges.'
    )
  }
}

/**
 * PKEXEC_UID is the caller's real uid as pkexec saw it: decimal, 1..4294967294 (not root, not
 * the (uid_t)-1 sentinel). Whether it is a regular user is checked against the user database.
 */
export function callerUidFromEnv(value: string | undefined): number {
  if (value === undefined) {
    throw refused('The helper must be started by pkexec.', 'PKEXEC_UID is not set.')
  }
  if (!/^[1-9][0-9]{0,9}$/.test(value) || Number(value) > 4294967294) {
    throw refused('The helper refused the caller.', 'PKEXEC_UID is not a valid user id.')
  }
  return Number(value)
}

/** Regular users only: at or above UID_MIN, and not the overflow ids. */
export function checkRegularUser(uid: number, uidMin: number): void {
  if (uid < uidMin || uid === 65534 || uid === 4294967294) {
    throw refused(
      'The helper only works for regular user accounts.',
      `User id ${uid} is a system account (below UID_MIN ${uidMin}).`
    )
  }
}

/** UID_MIN from the text of /etc/login.defs; 1000 when absent or odd. */
export function parseUidMin(loginDefs: string): number {
  const m = /^\s*UID_MIN\s+([0-9]+)\s*$/m.exec(loginDefs)
  const n = m ? Number(m[1]) : NaN
  return Number.isSafeInteger(n) && n >= 1 ? n : 1000
}
