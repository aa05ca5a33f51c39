import { describe, expect, it } from 'vitest'

import { parseCmdline } from '../../../electron/core/procfs/parse-cmdline'

describe('parseCmdline', () => {
  it('splits on NUL and drops the terminator', () => {
    expect(parseCmdline('python3\0-c\0print("a b")\0')).toEqual(['python3', '-c', 'print("a b")'])
  })
  it('keeps empty arguments in the middle', () => {
    expect(parseCmdline('prog\0\0last\0')).toEqual(['prog', '', 'last'])
  })
  it('keeps a rewritten argv (no NUL) as one string', () => {
    expect(parseCmdline('nginx: worker process')).toEqual(['nginx: worker process'])
  })
  it('is empty for kernel threads and zombies', () => {
    expect(parseCmdline('')).toEqual([])
  })
})
