/** `.ci/run` runs exactly the README Quick start's test command (command 2), so the two cannot drift. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

const REPO = join(import.meta.dirname, '..', '..', '..')

/** The lines of a shell text that are neither blank nor comments. */
const commands = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))

describe('.ci/run', () => {
  it('runs the README Quick start test command as written', () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8')
    const quickStart = /## Quick start[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? ''
    const [setup, tests] = commands(quickStart)
    expect(setup).toMatch(/icebox serve/)
    expect(tests).toBeDefined()
    const ci = commands(readFileSync(join(REPO, '.ci/run'), 'utf8'))
    expect(ci.at(-1)).toBe(tests)
  })
})
