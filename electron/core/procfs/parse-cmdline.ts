/**
 * /proc/PID/cmdline: arguments separated (and normally terminated) by NUL. Kernel threads and
 * zombies have an empty cmdline. A process that rewrote its argv may leave one long string.
 */

/** Splits cmdline text into arguments, dropping the trailing terminator. */
export function parseCmdline(text: string): string[] {
  if (text === '') return []
  const parts = text.split('\0')
  if (parts[parts.length - 1] === '') parts.pop()
  return parts
}
