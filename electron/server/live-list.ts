/**
 * Live process lists pushed to each connection: while a client watches (processes.watch), the
 * core scans at the interval that client chose and sends `processes.changed` with only the rows
 * that differ from the list the client holds. Nothing runs for a paused or closed connection.
 * Connections watching at the same moment share a scan.
 */
import type { ProcessList } from '../common/api-types'
import type { Connection } from '../common/contract'
import { diffLists, isEmptyChange } from './process-diff'
import { treePrefix } from './tree-prefix'

export interface WatchOptions {
  intervalMs: number
  paused: boolean
  /** Scan and push now (before returning), then go on at the interval. */
  scanNow?: boolean
}

export interface LiveLists {
  /**
   * A fresh list, recorded as `conn`'s base when given. `reuse`: a scan younger than `shareMs`
   * will do (the whole list asked for right after a first screen).
   */
  list(conn?: Connection, reuse?: boolean): ProcessList
  /** Starts, retimes or pauses `conn`'s pushes; true when it is now being watched. */
  watch(conn: Connection, o: WatchOptions): boolean
  /** Stops every timer (the server is closing). */
  stop(): void
}

interface Watcher {
  /** The list the client holds: the base of the next change set. */
  base: ProcessList | null
  options: WatchOptions
  timer: ReturnType<typeof setTimeout> | null
}

/**
 * `scan` produces a whole list (scan + analysis + rows). `shareMs`: a scan younger than this is
 * reused by another connection's tick instead of scanning again.
 */
export function createLiveLists(
  scan: () => ProcessList,
  opts: { shareMs?: number; onError?: (err: unknown) => void } = {}
): LiveLists {
  const shareMs = opts.shareMs ?? 250
  const watchers = new Map<string, Watcher>()
  let latest: { at: number; list: ProcessList } | null = null
  // Numbers every list, so a change set names its base exactly (two scans can share a takenAt).
  let seq = 0

  const fresh = (): ProcessList => {
    const list = { ...scan(), seq: ++seq }
    latest = { at: Date.now(), list }
    return list
  }
  const shared = (): ProcessList =>
    latest && Date.now() - latest.at < shareMs ? latest.list : fresh()

  const watcherOf = (conn: Connection): Watcher => {
    let w = watchers.get(conn.id)
    if (!w) {
      const created: Watcher = {
        base: null,
        options: { intervalMs: 3000, paused: true },
        timer: null
      }
      watchers.set(conn.id, created)
      conn.onClose(() => {
        if (created.timer) clearTimeout(created.timer)
        watchers.delete(conn.id)
      })
      w = created
    }
    return w
  }

  const schedule = (conn: Connection, w: Watcher): void => {
    if (w.timer) clearTimeout(w.timer)
    w.timer = null
    if (w.options.paused) return
    w.timer = setTimeout(() => tick(conn, w), w.options.intervalMs)
  }

  const tick = (conn: Connection, w: Watcher): void => {
    w.timer = null
    if (watchers.get(conn.id) !== w) return
    // A client without a list yet gets nothing: its processes.list call sets the base.
    if (w.base) {
      try {
        const next = shared()
        const changes = diffLists(w.base, next)
        if (!isEmptyChange(changes)) {
          conn.emit('processes.changed', changes)
          w.base = next
        }
      } catch (err) {
        opts.onError?.(err)
      }
    }
    schedule(conn, w)
  }

  return {
    list(conn, reuse) {
      const list = reuse ? shared() : fresh()
      if (conn) watcherOf(conn).base = list
      return list
    },
    watch(conn, o) {
      const w = watcherOf(conn)
      const changed = w.options.intervalMs !== o.intervalMs || w.options.paused !== o.paused
      w.options = { intervalMs: o.intervalMs, paused: o.paused }
      if (o.scanNow) {
        latest = null
        tick(conn, w)
      } else if (changed || !w.timer) schedule(conn, w)
      return !o.paused
    },
    stop() {
      for (const w of watchers.values()) if (w.timer) clearTimeout(w.timer)
      watchers.clear()
    }
  }
}

/**
 * processes.list over live lists: the whole list becomes the connection's base (sharing a scan
 * just taken for its first screen); `firstRows` answers only that many rows in tree order.
 */
export function answerList(
  live: LiveLists,
  input: { firstRows?: number | undefined } | undefined,
  conn: Connection | undefined
): ProcessList {
  if (input?.firstRows === undefined) return live.list(conn, true)
  const list = live.list(undefined)
  return { ...list, rows: treePrefix(list.rows, input.firstRows), partial: true }
}
