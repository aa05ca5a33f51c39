/**
 * Profiles the Processes view with the CDP Profiler (load, one refresh, scrolling) and prints
 * the functions with the most self time, so a slow phase points at its code. Build an
 * unminified renderer first for readable names:
 *   npx vite build --config renderer/vite.config.ts --minify false --outDir /tmp/icebox-renderer
 *   node bench/ui/run.mjs --profile --static /tmp/icebox-renderer
 */
import type { CDPSession, Page } from 'playwright-core'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

/** Self time per function (ms), largest first. */
export function selfTimes(p: Profile, top = 25): Array<[string, number]> {
  const byId = new Map(p.nodes.map((n) => [n.id, n]))
  const self = new Map<string, number>()
  for (let i = 0; i < p.samples.length; i++) {
    const n = byId.get(p.samples[i] ?? -1)
    if (!n) continue
    const f = n.callFrame
    const file = f.url.split('/').pop() ?? ''
    const key = `${f.functionName || '(anon)'} ${file}:${f.lineNumber + 1}`
    self.set(key, (self.get(key) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000)
  }
  return [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)
}

/** Runs `work` under the CPU profiler and prints the top self times under `label`. */
export async function profiled<T>(page: Page, label: string, work: () => Promise<T>): Promise<T> {
  const cdp: CDPSession = await page.context().newCDPSession(page)
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
  await cdp.send('Profiler.start')
  const result = await work()
  const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile }
  await cdp.detach()
  console.log(`\n== profile: ${label}`)
  for (const [k, ms] of selfTimes(profile)) console.log(`${ms.toFixed(1).padStart(8)} ms  ${k}`)
  return result
}

interface TraceEvent {
  name: string
  ph: string
  ts: number
  dur?: number
  tid: number
  pid: number
  args?: { name?: string; data?: { url?: string; functionName?: string } }
}

/**
 * Summarises a Chromium trace: the renderer main thread's top-level tasks by name (time in ms)
 * and a timeline of the long ones, relative to the first event.
 */
export function summariseTrace(json: string, longMs = 8): string[] {
  const events = (JSON.parse(json) as { traceEvents: TraceEvent[] }).traceEvents
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
  if (!main) return ['no renderer main thread in the trace']
  const mine = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X')
  const t0 = Math.min(...mine.map((e) => e.ts))
  const byName = new Map<string, number>()
  // Only direct children of RunTask, so nested events are not counted twice.
  const tasks = mine.filter(
    (e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask'
  )
  const out: string[] = []
  for (const e of mine) {
    if (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') continue
    const parent = tasks.find((t) => t.ts <= e.ts && e.ts < t.ts + (t.dur ?? 0))
    const nested = mine.some(
      (o) =>
        o !== e &&
        o.name !== 'RunTask' &&
        o.name !== 'ThreadControllerImpl::RunTask' &&
        o.ts <= e.ts &&
        e.ts + (e.dur ?? 0) <= o.ts + (o.dur ?? 0) &&
        (o.dur ?? 0) > (e.dur ?? 0) &&
        (!parent || o.ts >= parent.ts)
    )
    if (nested) continue
    byName.set(e.name, (byName.get(e.name) ?? 0) + (e.dur ?? 0) / 1000)
  }
  out.push('main-thread time by top-level event (ms):')
  for (const [n, ms] of [...byName.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15))
    out.push(`${ms.toFixed(1).padStart(8)}  ${n}`)
  out.push(`tasks over ${longMs} ms (start → duration):`)
  for (const t of tasks.filter((t) => (t.dur ?? 0) / 1000 > longMs)) {
    const inner = mine
      .filter((e) => e !== t && e.ts >= t.ts && e.ts < t.ts + (t.dur ?? 0) && (e.dur ?? 0) > 2000)
      .filter((e) => e.name !== 'RunTask' && e.name !== 'ThreadControllerImpl::RunTask')
      .slice(0, 14)
      .map(
        (e) =>
          `${e.name}${e.args?.data?.url ? `(${e.args.data.url.split('/').pop()})` : ''} ${((e.dur ?? 0) / 1000).toFixed(0)}`
      )
    out.push(
      `${((t.ts - t0) / 1000).toFixed(0).padStart(6)} → ${((t.dur ?? 0) / 1000).toFixed(1)} ms  ${inner.join(', ')}`
    )
  }
  return out
}
