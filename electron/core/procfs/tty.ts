/**
 * tty_nr from /proc/PID/stat → the terminal's name. The number packs major and minor like the
 * kernel's new_encode_dev: minor low 8 bits | major << 8 | minor high bits << 12.
 */

/** Splits tty_nr into device major and minor. */
export function decodeTtyNr(ttyNr: number): { major: number; minor: number } {
  return { major: (ttyNr >>> 8) & 0xfff, minor: (ttyNr & 0xff) | ((ttyNr >>> 12) & 0xfff00) }
}

/** Name of the controlling terminal ("pts/3", "tty1", "ttyS0" …), or null for none (0). */
export function ttyName(ttyNr: number): string | null {
  if (ttyNr === 0) return null
  const { major, minor } = decodeTtyNr(ttyNr)
  // Unix98 ptys use majors 136–143 (256 minors each).
  if (major >= 136 && major <= 143) return `pts/${(major - 136) * 256 + minor}`
  if (major === 4) return minor < 64 ? `tty${minor}` : `ttyS${minor - 64}`
  if (major === 5) return minor === 0 ? 'tty' : minor === 1 ? 'console' : `ttyaux${minor}`
  if (major === 188) return `ttyUSB${minor}`
  if (major === 166) return `ttyACM${minor}`
  if (major === 204 && minor >= 64) return `ttyAMA${minor - 64}`
  if (major === 229) return `hvc${minor}`
  if (major === 3) return `ttyp${minor}`
  return `tty(${major}:${minor})`
}
