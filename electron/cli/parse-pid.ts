/**
 * The pid argument of `icebox check` and `icebox freeze`. A module of its own so that `freeze`
 * does not load `check` (and the full scanner with it) for one function.
 */
import { AppError } from '../common/errors'

/** Highest pid Linux hands out (PID_MAX_LIMIT on 64-bit). */
const PID_MAX = 4_194_304

/**
 * Parses a pid argument.
 * @throws AppError BAD_INPUT with one line that says what a pid looks like.
 */
export function parsePid(text: string): number {
  const trimmed = text.trim()
  if (!/^\d+$/.test(trimmed) || Number(trimmed) === 0 || Number(trimmed) > PID_MAX) {
    throw new AppError({
      code: 'BAD_INPUT',
      message: `"${text}" is not a process id: give a whole number from 1 to ${PID_MAX}, as listed by \`icebox ps\`.`
    })
  }
  return Number(trimmed)
}
