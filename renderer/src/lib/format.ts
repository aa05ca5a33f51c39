/** Small pure formatters for the UI. */

/** "1.5 MiB", "640 KiB", "12 B". */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—'
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = n
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${i === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`
}

/** "5 s ago", "3 min ago", "2 h ago", "4 days ago". */
export function formatRelative(iso: string, now: number = Date.now()): string {
  const t = Date.parse(iso)
  if (!Number.isFinite(t)) return '—'
  const s = Math.max(0, Math.round((now - t) / 1000))
  if (s < 60) return `${s} s ago`
  const m = Math.round(s / 60)
  if (m < 60) return `${m} min ago`
  const h = Math.round(m / 60)
  if (h < 48) return `${h} h ago`
  return `${Math.round(h / 24)} days ago`
}

/** Local date and time, e.g. "2026-11-27 14:03:22" (today: time only). */
export function formatLocal(iso: string, now: number = Date.now()): string {
  const d = new Date(iso)
  if (!Number.isFinite(d.getTime())) return '—'
  const pad = (x: number) => String(x).padStart(2, '0')
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  const today = new Date(now)
  if (d.toDateString() === today.toDateString()) return time
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`
}

/** "120 ms", "3.2 s". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—'
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`
}

/** The readable state name for a /proc state letter. */
export function stateName(s: string): string {
  const names: Record<string, string> = {
    R: 'running',
    S: 'sleeping',
    D: 'disk wait',
    T: 'stopped',
    t: 'traced',
    Z: 'zombie',
    X: 'dead',
    I: 'idle',
    P: 'parked'
  }
  return names[s] ?? s
}
