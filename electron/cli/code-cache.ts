/**
 * Runs a CommonJS bundle with a V8 code cache made at build time (scripts/build-show.mjs), so a
 * one-shot command starts with its functions already compiled instead of parsing and compiling
 * them on first call. Node 20 has no module.enableCompileCache (Node 22); vm.Script's cachedData
 * is the stable API underneath it.
 *
 * The cache is only an accelerator: when it is missing, unreadable, made for another bundle or
 * another Node, or refused by V8, the bundle is compiled from source as usual. V8 itself only
 * checks the source length and its own version and flags, so each cache starts with a key line
 * naming the Node version, architecture and the bundle's size and mtime; a rebuilt bundle never
 * runs with the previous build's cache.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import { Script } from 'node:vm'

/** What happened to the cache: used, refused by V8, made for something else, or absent. */
export type CacheUse = 'used' | 'rejected' | 'stale' | 'none'

/** Longest key line we look for at the start of a cache file. */
const MAX_KEY = 256

/** The key a cache for `file` must carry; changes whenever the bundle or Node changes. */
export function cacheKey(file: string): string {
  const st = statSync(file)
  return `icebox-code-cache 1 ${process.version} ${process.arch} ${st.size} ${st.mtimeMs}`
}

/** The V8 data of a cache file when its key matches, 'stale' when not, null when absent. */
export function readCache(cacheFile: string, key: string): Buffer | 'stale' | null {
  let data: Buffer
  try {
    data = readFileSync(cacheFile)
  } catch {
    return null
  }
  const nl = data.subarray(0, MAX_KEY).indexOf(0x0a)
  if (nl < 0 || data.toString('latin1', 0, nl) !== key) return 'stale'
  return data.subarray(nl + 1)
}

/** A CommonJS bundle compiled with its cache, ready to run once. */
export interface CompiledBundle {
  use: CacheUse
  script: Script
  /** Runs the bundle as a module: its own require, module, exports, __filename, __dirname. */
  run: () => void
}

/** Compiles `file` as a CommonJS module, with the code cache in `cacheFile` when it fits. */
export function compileWithCache(file: string, cacheFile: string): CompiledBundle {
  const cached = readCache(cacheFile, cacheKey(file))
  const source = readFileSync(file, 'utf8')
  const script = new Script(
    `(function (exports, require, module, __filename, __dirname) {${source}\n})`,
    { filename: file, cachedData: cached instanceof Buffer ? cached : undefined }
  )
  const use: CacheUse =
    cached === null
      ? 'none'
      : cached === 'stale'
        ? 'stale'
        : script.cachedDataRejected === true
          ? 'rejected'
          : 'used'
  const run = (): void => {
    const module = { exports: {} }
    const wrapper = script.runInThisContext() as (
      exports: unknown,
      require: NodeJS.Require,
      module: unknown,
      filename: string,
      dirname: string
    ) => void
    wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file))
  }
  return { use, script, run }
}

/**
 * Writes the cache for `file` from its compiled script. Called after a run, so the functions
 * the run compiled lazily are in the cache too.
 */
export function writeCodeCache(script: Script, file: string, cacheFile: string): void {
  writeFileSync(
    cacheFile,
    Buffer.concat([Buffer.from(cacheKey(file) + '\n'), script.createCachedData()])
  )
}
