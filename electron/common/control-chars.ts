/**
 * Untrusted text (process names, command lines and paths from /proc or from snapshot images, a
 * socket's name) must not reach a terminal with its control characters: an escape sequence in a
 * process name could move the cursor, recolour the screen or fake a line of Icebox's output.
 */

/* eslint-disable no-control-regex -- matching control characters is the point */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g
const CONTROLS_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g
/* eslint-enable no-control-regex */

/**
 * Each C0/C1 control character (and DEL) as "?". `keepNewlines` leaves "\n" alone, for text
 * whose lines Icebox composed itself.
 */
export function maskControls(text: string, keepNewlines = false): string {
  return text.replace(keepNewlines ? CONTROLS_BUT_NEWLINE : CONTROLS, '?')
}

/** Each control character as \xNN, so that what it was stays visible (decoded image text). */
export function escapeControls(text: string): string {
  return text.replace(CONTROLS, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
}
