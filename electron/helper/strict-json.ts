/**
 * A strict JSON reader for the helper's request. `JSON.parse` keeps the last of duplicate keys
 * and accepts any depth; an attacker-controlled request must not get that latitude, so this
 * parser rejects duplicate keys, NUL characters (raw or escaped), invalid UTF-8 and nesting
 * deeper than `maxDepth`, and reports the first problem with its offset.
 */

export class StrictJsonError extends Error {
  constructor(
    message: string,
    readonly offset: number
  ) {
    super(`${message} at offset ${offset}`)
    this.name = 'StrictJsonError'
  }
}

export interface StrictJsonOptions {
  /** Deepest allowed nesting of objects/arrays (1 = a flat object). */
  maxDepth: number
}

/** Decodes UTF-8 strictly (throws on invalid sequences) and parses strict JSON. */
export function parseStrictJsonBytes(bytes: Uint8Array, opts: StrictJsonOptions): unknown {
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
  } catch {
    throw new StrictJsonError('invalid UTF-8', 0)
  }
  return parseStrictJson(text, opts)
}

/** Parses one JSON value that must span the whole text (surrounding whitespace allowed). */
export function parseStrictJson(text: string, opts: StrictJsonOptions): unknown {
  const nul = text.indexOf('\0')
  if (nul >= 0) throw new StrictJsonError('NUL character', nul)
  const p = new Parser(text, opts.maxDepth)
  p.ws()
  const v = p.value(0)
  p.ws()
  if (p.i !== text.length) throw new StrictJsonError('trailing characters', p.i)
  return v
}

class Parser {
  i = 0
  constructor(
    readonly s: string,
    readonly maxDepth: number
  ) {}

  fail(msg: string): never {
    throw new StrictJsonError(msg, this.i)
  }

  ws(): void {
    while (this.i < this.s.length) {
      const c = this.s[this.i]
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.i++
      else break
    }
  }

  value(depth: number): unknown {
    const c = this.s[this.i]
    if (c === '{') return this.object(depth + 1)
    if (c === '[') return this.array(depth + 1)
    if (c === '"') return this.string()
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number()
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null]
    ] as const) {
      if (this.s.startsWith(word, this.i)) {
        this.i += word.length
        return v
      }
    }
    return this.fail('unexpected character')
  }

  object(depth: number): Record<string, unknown> {
    if (depth > this.maxDepth) this.fail('nesting too deep')
    this.i++ // {
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>
    const seen = new Set<string>()
    this.ws()
    if (this.s[this.i] === '}') {
      this.i++
      return out
    }
    for (;;) {
      this.ws()
      if (this.s[this.i] !== '"') this.fail('expected a key')
      const keyAt = this.i
      const key = this.string()
      if (seen.has(key)) throw new StrictJsonError(`duplicate key "${key}"`, keyAt)
      seen.add(key)
      this.ws()
      if (this.s[this.i] !== ':') this.fail('expected ":"')
      this.i++
      this.ws()
      out[key] = this.value(depth)
      this.ws()
      const c = this.s[this.i++]
      if (c === '}') return out
      if (c !== ',') {
        this.i--
        this.fail('expected "," or "}"')
      }
    }
  }

  array(depth: number): unknown[] {
    if (depth > this.maxDepth) this.fail('nesting too deep')
    this.i++ // [
    const out: unknown[] = []
    this.ws()
    if (this.s[this.i] === ']') {
      this.i++
      return out
    }
    for (;;) {
      this.ws()
      out.push(this.value(depth))
      this.ws()
      const c = this.s[this.i++]
      if (c === ']') return out
      if (c !== ',') {
        this.i--
        this.fail('expected "," or "]"')
      }
    }
  }

  string(): string {
    this.i++ // opening quote
    let out = ''
    for (;;) {
      if (this.i >= this.s.length) this.fail('unterminated string')
      const c = this.s[this.i++] as string
      if (c === '"') return out
      if (c < ' ') {
        this.i--
        this.fail('control character in string')
      }
      if (c !== '\\') {
        out += c
        continue
      }
      const e = this.s[this.i++]
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e
          break
        case 'b':
          out += '\b'
          break
        case 'f':
          out += '\f'
          break
        case 'n':
          out += '\n'
          break
        case 'r':
          out += '\r'
          break
        case 't':
          out += '\t'
          break
        case 'u': {
          const hex = this.s.slice(this.i, this.i + 4)
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('bad \\u escape')
          const code = parseInt(hex, 16)
          if (code === 0) this.fail('NUL character')
          // Lone surrogates are not valid Unicode text.
          if (code >= 0xd800 && code <= 0xdfff) this.fail('surrogate escape')
          out += String.fromCharCode(code)
          this.i += 4
          break
        }
        default:
          this.i--
          this.fail('bad escape')
      }
    }
  }

  number(): number {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(
      this.s.slice(this.i, this.i + 40)
    )
    if (!m) return this.fail('bad number')
    this.i += m[0].length
    const n = Number(m[0])
    if (!Number.isFinite(n)) this.fail('number out of range')
    return n
  }
}
