/**
 * Untrusted text (process names, command lines and paths from /proc or from snapshot images, a
 * socket's name, a snapshot's name) must not reach a terminal with its control characters: an
 * escape sequence could move the cursor, recolour the screen or fake a line of Icebox's output,
 * and a bidirectional override (U+202E) or an invisible format character could make a name read
 * as another.
 */

/**
 * C0, DEL and C1 controls (Cc), format characters (Cf: bidi overrides, zero-width …), lone
 * surrogates (Cs) and the line and paragraph separators (Zl, Zp) some terminals break lines on.
 */
const UNPRINTABLE = '\\p{Cc}\\p{Cf}\\p{Cs}\\p{Zl}\\p{Zp}'
const CONTROLS = new RegExp(`[${UNPRINTABLE}]`, 'gu')
const CONTROLS_BUT_NEWLINE = new RegExp(`(?!\\n)[${UNPRINTABLE}]`, 'gu')
const FIRST = new RegExp(`[${UNPRINTABLE}]`, 'u')

/** The first character maskControls would mask, or undefined when there is none. */
export function firstUnprintable(text: string): string | undefined {
  return FIRST.exec(text)?.[0]
}

/**
 * Each control or format character as "?". `keepNewlines` leaves "\n" alone, for text whose
 * lines Icebox composed itself.
 */
export function maskControls(text: string, keepNewlines = false): string {
  return text.replace(keepNewlines ? CONTROLS_BUT_NEWLINE : CONTROLS, '?')
}

/** Each one as \xNN (or \u{NNNN}), so that what it was stays visible (decoded image text). */
export function escapeControls(text: string): string {
  return text.replace(CONTROLS, (c) => {
    const code = c.codePointAt(0)!
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`
  })
}
