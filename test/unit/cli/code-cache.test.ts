/**
 * The code cache of `icebox show` (electron/cli/code-cache.ts) is only an accelerator: a missing,
 * stale or refused cache must still run the bundle, and a rebuilt bundle must never run with
 * the previous build's cache.
 */
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { cacheKey, compileWithCache, writeCodeCache } from '../../../electron/cli/code-cache'

let dir: string
let bundle: string
let cache: string

/** A CommonJS bundle that uses require, module and __filename, and records what it saw. */
const SOURCE = `"use strict";
const path = require("node:path");
function twice(x) { return x * 2 }
module.exports.value = twice(21);
globalThis.__codeCacheTest = { value: module.exports.value, file: path.basename(__filename) };
`

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'icebox-code-cache-'))
  bundle = join(dir, 'b.cjs')
  cache = join(dir, 'b.cache')
  writeFileSync(bundle, SOURCE)
  delete (globalThis as Record<string, unknown>).__codeCacheTest
})

afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** Compiles and runs the bundle; returns what became of the cache and what the bundle saw. */
function runOnce(): { use: string; seen: unknown } {
  const compiled = compileWithCache(bundle, cache)
  compiled.run()
  return { use: compiled.use, seen: (globalThis as Record<string, unknown>).__codeCacheTest }
}

const RAN = { value: 42, file: 'b.cjs' }

describe('compileWithCache', () => {
  it('runs the bundle as a CommonJS module without a cache', () => {
    expect(runOnce()).toEqual({ use: 'none', seen: RAN })
  })

  it('uses a cache written after a run', () => {
    const first = compileWithCache(bundle, cache)
    first.run()
    writeCodeCache(first.script, bundle, cache)
    expect(readFileSync(cache, 'latin1').split('\n')[0]).toBe(cacheKey(bundle))
    expect(runOnce()).toEqual({ use: 'used', seen: RAN })
  })

  it('ignores the cache of a rebuilt bundle, even of the same length', () => {
    const first = compileWithCache(bundle, cache)
    first.run()
    writeCodeCache(first.script, bundle, cache)
    writeFileSync(bundle, SOURCE.replace('x * 2', 'x + x'))
    utimesSync(bundle, new Date(), new Date(Date.now() + 5000))
    expect(runOnce()).toEqual({ use: 'stale', seen: RAN })
  })

  it('runs from source when V8 refuses the cache data', () => {
    writeFileSync(cache, Buffer.concat([Buffer.from(cacheKey(bundle) + '\n'), Buffer.alloc(64, 7)]))
    expect(runOnce()).toEqual({ use: 'rejected', seen: RAN })
  })

  it('treats a cache without a key line as stale', () => {
    writeFileSync(cache, Buffer.alloc(1024, 1))
    expect(runOnce()).toEqual({ use: 'stale', seen: RAN })
  })
})
