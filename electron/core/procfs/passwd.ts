/** /etc/passwd → uid to user name, for display only (never for access decisions). */

/** Parses passwd text; the first entry wins when a uid appears twice. */
export function parsePasswd(text: string): Map<number, string> {
  const out = new Map<number, string>()
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const f = line.split(':')
    if (f.length < 3) continue
    const uid = Number(f[2])
    if (Number.isInteger(uid) && f[0] && !out.has(uid)) out.set(uid, f[0])
  }
  return out
}
