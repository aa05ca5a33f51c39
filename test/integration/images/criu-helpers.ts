/**
 * Helpers for the image decoder's integration tests: run `criu dump` directly and ask `crit`
 * (the oracle) about the same images.
 */
import { execa } from 'execa'

/** Dumps the tree rooted at `pid` into `dir` with `--leave-running` (the test ends it later). */
export async function criuDump(pid: number, dir: string, extra: string[] = []): Promise<void> {
  const args = ['dump', '-t', String(pid), '-D', dir, '-v4', '-o', 'dump.log', ...extra]
  const r = await execa('criu', args, { reject: false })
  if (r.exitCode !== 0) {
    const log = await execa('tail', ['-n', '30', `${dir}/dump.log`], { reject: false })
    throw new Error(`criu dump failed (${r.exitCode}):\n${log.stdout}`)
  }
}

/** crit's JSON: untyped on purpose, the tests compare it field by field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CritJson = any

/** `crit show FILE` parsed as JSON. */
export async function critShow(file: string): Promise<{ magic: string; entries: CritJson[] }> {
  const r = await execa('crit', ['show', file])
  return JSON.parse(r.stdout) as { magic: string; entries: CritJson[] }
}

/** `crit x DIR what` output lines. */
export async function critX(dir: string, what: 'ps' | 'fds' | 'mems'): Promise<string[]> {
  const r = await execa('crit', ['x', dir, what])
  return r.stdout.split('\n')
}

/** Parses `crit x DIR fds` into pid → (fd or "cwd"/"root" → description). */
export function parseCritFds(lines: string[]): Map<number, Map<string, string>> {
  const out = new Map<number, Map<string, string>>()
  let current: Map<string, string> | null = null
  for (const line of lines) {
    const pid = /^(\d+)$/.exec(line.trim())
    if (pid && !line.startsWith('\t')) {
      current = new Map()
      out.set(Number(pid[1]), current)
      continue
    }
    const m = /^\t\s*([^:]+): (.*)$/.exec(line)
    if (m && current) current.set(m[1]!.trim(), m[2]!)
  }
  return out
}

/** Parses `crit x DIR mems` into pid → { exe, vmas: [start, end, prot, label] }. */
export function parseCritMems(
  lines: string[]
): Map<number, { exe: string; vmas: Array<{ start: bigint; end: bigint; text: string }> }> {
  const out = new Map<
    number,
    { exe: string; vmas: Array<{ start: bigint; end: bigint; text: string }> }
  >()
  let current: { exe: string; vmas: Array<{ start: bigint; end: bigint; text: string }> } | null =
    null
  for (const line of lines) {
    const pid = /^(\d+)$/.exec(line.trim())
    if (pid && !line.startsWith('\t')) {
      current = { exe: '', vmas: [] }
      out.set(Number(pid[1]), current)
      continue
    }
    if (!current) continue
    const exe = /^\texe\s+(.*)$/.exec(line)
    if (exe) {
      current.exe = exe[1]!.trim()
      continue
    }
    const vma = /^\t([0-9a-f]+)-([0-9a-f]+)\s+(.*)$/.exec(line)
    if (vma) {
      current.vmas.push({
        start: BigInt('0x' + vma[1]),
        end: BigInt('0x' + vma[2]),
        text: vma[3]!
      })
    }
  }
  return out
}

/** crit's task_state labels (its table is off: it prints 3 as "Zombie") → CRIU numbers. */
export function critTaskState(v: unknown): number {
  if (typeof v === 'number') return v
  const labels: Record<string, number> = { Alive: 1, Dead: 2, Zombie: 3, Stopped: 6 }
  return labels[String(v)] ?? -1
}

/** crit prints flag fields as "PE_LAZY | PE_PRESENT", "0x2" or numbers. */
export function critHasFlag(v: unknown, name: string, bit: number): boolean {
  if (typeof v === 'number') return (v & bit) !== 0
  const s = String(v)
  if (/^0x[0-9a-f]+$/i.test(s)) return (Number(s) & bit) !== 0
  return s.split('|').some((part) => part.trim() === name)
}

/** crit prints uint64 hex fields as "0x…" strings and others as numbers. */
export function critNumber(v: unknown): bigint {
  if (typeof v === 'number') return BigInt(v)
  if (typeof v === 'string') return BigInt(v)
  return 0n
}
