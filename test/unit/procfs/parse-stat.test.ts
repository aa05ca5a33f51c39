import { describe, expect, it } from 'vitest'

import { isKernelThread, parseStat } from '../../../electron/core/procfs/parse-stat'

// Captured from /proc/self/stat of `cat`, then with hostile comm values.
const CAT =
  '31442 (cat) R 31418 31418 6591 0 -1 4194304 101 0 0 0 3 2 0 0 20 0 1 0 2151903 3248128 458 ' +
  '18446744073709551615 93953298194432 93953298214313 140734360296784 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n'

describe('parseStat', () => {
  it('reads the fields after comm', () => {
    const st = parseStat(CAT)!
    expect(st).toMatchObject({
      pid: 31442,
      comm: 'cat',
      state: 'R',
      ppid: 31418,
      pgid: 31418,
      sid: 6591,
      ttyNr: 0,
      tpgid: -1,
      flags: 4194304,
      utime: 3,
      stime: 2,
      threads: 1,
      startTicks: 2151903,
      rssPages: 458
    })
  })

  it('takes comm up to the LAST parenthesis (spaces and parentheses inside)', () => {
    const st = parseStat(CAT.replace('(cat)', '(a) b (c) d)'))!
    expect(st.comm).toBe('a) b (c) d')
    expect(st.state).toBe('R')
    expect(st.ppid).toBe(31418)
    expect(st.startTicks).toBe(2151903)
  })

  it('keeps a comm made only of spaces and closing parentheses', () => {
    const st = parseStat(CAT.replace('(cat)', '( ) ))'))!
    expect(st.comm).toBe(' ) )')
    expect(st.sid).toBe(6591)
  })

  it('reads a field that is not a number as 0, and one beyond 2^53 as Number() does', () => {
    const st = parseStat(CAT.replace(' 2151903 ', ' x12 ').replace(' 458 ', ' 9007199254740993 '))!
    expect(st.startTicks).toBe(0)
    expect(st.rssPages).toBe(Number('9007199254740993'))
    expect(st.threads).toBe(1)
  })

  it('returns null for truncated or empty text', () => {
    expect(parseStat('')).toBeNull()
    expect(parseStat('31442 (cat')).toBeNull()
    expect(parseStat('31442 (cat) R 1 2 3')).toBeNull()
  })

  it('recognises kernel threads by PF_KTHREAD or by kthreadd', () => {
    expect(isKernelThread({ pid: 15, ppid: 2, flags: 0x208040 })).toBe(true)
    expect(isKernelThread({ pid: 2, ppid: 0, flags: 0x200040 })).toBe(true)
    expect(isKernelThread({ pid: 99, ppid: 1, flags: 0x200000 })).toBe(true)
    expect(isKernelThread({ pid: 99, ppid: 1, flags: 4194304 })).toBe(false)
  })
})
