/**
 * Untrusted text reaches the terminal without its control characters: masked in Icebox's own
 * output (errors, tables), escaped where the text itself is what is shown (decoded images).
 */
import { describe, expect, it } from 'vitest'

import { escapeControls, maskControls } from '../../../electron/common/control-chars'
import { formatError } from '../../../electron/common/errors'

// A process can name itself this (prctl PR_SET_NAME takes any 15 bytes).
const HOSTILE = 'evil\u001b[2J\u001b]0;owned\u0007\r\u009bname'

describe('control characters in untrusted text', () => {
  it('masks C0, DEL and C1 characters, keeping newlines only when asked', () => {
    expect(maskControls(HOSTILE)).toBe('evil?[2J?]0;owned???name')
    expect(maskControls('a\u007fb\nc')).toBe('a?b?c')
    expect(maskControls('line 1\nline\t2', true)).toBe('line 1\nline?2')
    expect(maskControls('plain text: ü, 東京, emoji 🧊')).toBe('plain text: ü, 東京, emoji 🧊')
    // A right-to-left override makes "ok\u202etxt.exe" read as "okexe.txt"; zero-width and BOM.
    expect(maskControls('ok\u202etxt.exe \u200b\ufeff\u2066x')).toBe('ok?txt.exe ???x')
  })

  it('escapes them as \\xNN where the text is what is shown', () => {
    expect(escapeControls('a\u001bb\u0000c\u009b')).toBe('a\\x1bb\\x00c\\x9b')
    expect(escapeControls('ok\u202eexe')).toBe('ok\\u{202e}exe')
  })

  it('keeps a process name from driving the terminal through an error message', () => {
    const text = formatError({
      code: 'NOT_FREEZABLE',
      message: `Process 42 (${HOSTILE}) cannot be frozen.`,
      why: `It is traced by ${HOSTILE}.\nAnother line.`,
      remedy: `Stop ${HOSTILE} first.`
    })
    expect(maskControls(text, true)).toBe(text)
    expect(text).toBe(
      'error: Process 42 (evil?[2J?]0;owned???name) cannot be frozen.\n' +
        '  why: It is traced by evil?[2J?]0;owned???name.\nAnother line.\n' +
        '  what to do: Stop evil?[2J?]0;owned???name first.'
    )
  })
})
