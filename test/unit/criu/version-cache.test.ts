/**
 * The remembered `criu --version`: it holds only for the same binary, unchanged, and only when
 * root owns the cache and nobody else can write it.
 */
import {
  appendFileSync,
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { criuVersion } from '../../../electron/core/criu/probe'
import {
  binaryKey,
  cachedVersion,
  rememberVersion
} from '../../../electron/core/criu/version-cache'

const asRoot = process.geteuid?.() === 0

let dir: string
let cacheDir: string
let cache: string
let criu: string

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'icebox-vcache-'))
  cacheDir = join(dir, 'cache')
  cache = join(cacheDir, 'criu-version.json')
  criu = join(dir, 'criu')
  // A fake criu that counts its runs.
  writeFileSync(criu, `#!/bin/sh\necho run >> ${dir}/runs\necho "Version: 4.2.1"\n`, {
    mode: 0o755
  })
})

afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

function runs(): number {
  try {
    return readFileSync(join(dir, 'runs'), 'utf8').split('\n').length - 1
  } catch {
    return 0
  }
}

// Only root writes the cache (and only a root-owned one is believed): as root, the full story.
describe(asRoot ? 'criu version cache (as root)' : 'criu version cache (as a user)', () => {
  if (!asRoot) {
    it('a user never writes the cache', () => {
      rememberVersion(criu, '4.2.1', binaryKey(criu), cache)
      expect(existsSync(cache)).toBe(false)
    })
    return
  }

  it('remembers a version for the unchanged binary only', () => {
    rememberVersion(criu, '4.2.1', binaryKey(criu), cache)
    expect(cachedVersion(criu, cache)).toBe('4.2.1')
    expect(cachedVersion(join(dir, 'other'), cache)).toBeNull()
    appendFileSync(criu, '# changed\n')
    expect(cachedVersion(criu, cache)).toBeNull()
  })

  it('is not believed when others can write the file or its directory', () => {
    rememberVersion(criu, '4.2.1', binaryKey(criu), cache)
    chmodSync(cache, 0o666)
    expect(cachedVersion(criu, cache)).toBeNull()
    chmodSync(cache, 0o644)
    chmodSync(cacheDir, 0o777)
    expect(cachedVersion(criu, cache)).toBeNull()
    chmodSync(cacheDir, 0o755)
    expect(cachedVersion(criu, cache)).toBe('4.2.1')
  })

  it('ignores a damaged cache file', () => {
    rememberVersion(criu, '4.2.1', binaryKey(criu), cache)
    writeFileSync(cache, '{ not json')
    expect(cachedVersion(criu, cache)).toBeNull()
    writeFileSync(cache, JSON.stringify({ [criu]: { key: binaryKey(criu), version: 42 } }))
    expect(cachedVersion(criu, cache)).toBeNull()
  })

  it('criuVersion runs criu once, then answers from the cache until the binary changes', async () => {
    // A path of its own: criuVersion also remembers per path for the life of the process.
    expect(await criuVersion(criu, cache)).toBe('4.2.1')
    expect(await criuVersion(criu, cache)).toBe('4.2.1')
    expect(runs()).toBe(1)
    expect(cachedVersion(criu, cache)).toBe('4.2.1')
    const other = join(dir, 'criu2')
    writeFileSync(other, `#!/bin/sh\necho run >> ${dir}/runs\necho "Version: 3.17"\n`, {
      mode: 0o755
    })
    await expect(criuVersion(other, cache)).rejects.toMatchObject({ code: 'CRIU_TOO_OLD' })
    expect(cachedVersion(other, cache)).toBeNull()
    // A forged entry for the old binary does not get it past the version check.
    rememberVersion(other, '3.17.0', binaryKey(other), cache)
    await expect(criuVersion(other, cache)).rejects.toMatchObject({ code: 'CRIU_TOO_OLD' })
  })
})

describe('criu version cache (any user)', () => {
  it('binaryKey is null for a missing file', () => {
    expect(binaryKey(join(dir, 'nope'))).toBeNull()
  })

  it('nothing is remembered without a key', () => {
    rememberVersion(criu, '4.2.1', null, cache)
    expect(cachedVersion(criu, cache)).toBeNull()
  })
})
