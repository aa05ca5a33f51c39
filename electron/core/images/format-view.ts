/**
 * The human form of a SnapshotView for `icebox show`: tree, files, memory, timings, restore
 * checks. Pure text building; every string from the images is printed with control characters
 * escaped so a hostile image cannot drive the terminal.
 */
import type { SnapshotProcess, SnapshotView } from '../../common/snapshot-view'
import { escapeControls } from '../../common/control-chars'

/** Formats the whole view as lines of text (ends with a newline). */
export function formatSnapshotView(view: SnapshotView): string {
  const out: string[] = []
  out.push(`Snapshot ${clean(view.dir)}`)
  if (view.status === 'damaged' && view.damage) {
    out.push(
      `  DAMAGED: ${clean(view.damage.file)} at byte ${view.damage.offset}: ${clean(view.damage.reason)}`
    )
  }
  const t = view.totals
  out.push(
    `  ${t.processes} process${t.processes === 1 ? '' : 'es'}, ${t.threads} thread${t.threads === 1 ? '' : 's'}, ` +
      `${t.openFds} open fds, ${t.vmas} mappings (${bytes(t.mappedBytes)} mapped), ` +
      `${bytes(t.pageBytes)} of memory pages, ${bytes(t.imageBytes)} on disk in ${t.imageFiles} files`
  )

  out.push('', 'Processes')
  const children = new Map<number, SnapshotProcess[]>()
  const pids = new Set(view.processes.map((p) => p.pid))
  for (const p of view.processes) {
    const parent = pids.has(p.ppid) ? p.ppid : 0
    const list = children.get(parent) ?? []
    list.push(p)
    children.set(parent, list)
  }
  const seen = new Set<number>()
  const walk = (p: SnapshotProcess, depth: number): void => {
    if (seen.has(p.pid)) return
    seen.add(p.pid)
    out.push('  ' + '  '.repeat(depth) + processLine(p))
    for (const c of children.get(p.pid) ?? []) walk(c, depth + 1)
  }
  for (const root of children.get(0) ?? []) walk(root, 0)
  for (const p of view.processes) walk(p, 0)

  for (const p of view.processes) {
    out.push('', `Process ${p.pid} (${clean(p.comm)})`)
    if (p.state === 'dead') {
      out.push(`  zombie: ${p.exitText ?? ''}; only its exit status is stored`)
      continue
    }
    if (p.creds) {
      const c = p.creds
      out.push(
        `  creds: uid ${c.uid} gid ${c.gid} euid ${c.euid} egid ${c.egid} groups [${c.groups.join(', ')}] ` +
          `capEff ${c.capEff}${c.noNewPrivs ? ' no_new_privs' : ''}`
      )
    }
    if (p.cwd !== null) out.push(`  cwd: ${clean(p.cwd)}`)
    if (p.namespaces.length > 0) out.push(`  own namespaces: ${p.namespaces.join(', ')}`)
    if (p.threads.length > 1) {
      out.push(
        `  threads: ${p.threads.map((th) => `${th.tid} ${clean(th.comm ?? '')}`).join(', ')}`
      )
    }
    for (const g of p.fdGroups) {
      out.push(`  ${g.kind} (${g.fds.length})`)
      for (const fd of g.fds) {
        const peers = fd.peers.length
          ? '  peer: ' + fd.peers.map((x) => `${x.pid}/fd ${x.fd} ${clean(x.comm)}`).join(', ')
          : ''
        const queued = fd.queuedBytes ? `  (${fd.queuedBytes} bytes queued)` : ''
        const lock = fd.lock ? `  [lock: ${clean(fd.lock)}]` : ''
        out.push(
          `    ${String(fd.fd).padStart(4)}  ${clean(fd.description)}${lock}${queued}${peers}`
        )
      }
    }
    if (p.memory) {
      const m = p.memory
      out.push(
        `  memory: ${m.vmaCount} mappings, ${bytes(m.mappedBytes)} mapped, ${bytes(m.dumpedBytes)} stored ` +
          `(${m.pagesPresent} pages${m.pagesLazy ? `, ${m.pagesLazy} lazy` : ''}` +
          `${m.pagesInParent ? `, ${m.pagesInParent} in parent` : ''}), exe ${clean(m.exe ?? '?')}`
      )
    }
  }

  if (view.timings) {
    const tm = view.timings
    out.push(
      '',
      'CRIU timings',
      `  freezing ${ms(tm.freezingUs)}, frozen ${ms(tm.frozenUs)}, memory dump ${ms(tm.memdumpUs)}, ` +
        `memory write ${ms(tm.memwriteUs)}`,
      `  pages scanned ${tm.pagesScanned}, skipped (parent) ${tm.pagesSkippedParent}, written ${tm.pagesWritten}`
    )
  }
  const f = view.features
  out.push(
    '',
    'Features',
    `  network lock ${f.networkLock ?? 'unknown'}${f.tcpClose ? ' (tcp-close)' : ''}, ` +
      `${f.tcpStreams} TCP stream${f.tcpStreams === 1 ? '' : 's'}, ${f.fileLocks} file lock${f.fileLocks === 1 ? '' : 's'}, ` +
      `${f.ghostFiles} deleted file${f.ghostFiles === 1 ? '' : 's'} saved, ` +
      `timens ${f.timens ? 'yes' : 'no'}, seccomp filters ${f.seccompFilters}, cgroup ${f.cgroup ? 'yes' : 'no'}`
  )

  const rc = view.restoreChecks
  if (rc) {
    out.push('', 'Restore checks (offline)')
    const busy = rc.pids.filter((p) => !p.free)
    out.push(
      `  pids: ${rc.pids.length - busy.length}/${rc.pids.length} free` +
        (busy.length ? ` (in use: ${busy.map((p) => p.pid).join(', ')})` : '')
    )
    const bad = rc.files.filter((x) => !x.ok)
    out.push(`  files: ${rc.files.length - bad.length}/${rc.files.length} present and unchanged`)
    for (const c of rc.tcpConnections) {
      out.push(`  tcp: pid ${c.pid} fd ${c.fd} ${clean(c.local)} → ${clean(c.remote)} ${c.state}`)
    }
    for (const p of rc.problems) out.push(`  ! ${clean(p)}`)
    if (rc.problems.length === 0) out.push('  nothing found that stands in the way')
  }
  return out.join('\n') + '\n'
}

function processLine(p: SnapshotProcess): string {
  const state =
    p.state === 'dead'
      ? `zombie, ${p.exitText ?? ''}`
      : p.state === 'stopped'
        ? `stopped${p.stopSignal ? ` by signal ${p.stopSignal}` : ''}`
        : p.state
  const who = p.uid === null ? '' : ` uid ${p.uid} gid ${p.gid}`
  const th = p.threads.length > 1 ? ` ${p.threads.length} threads` : ''
  return `${p.pid} ${clean(p.comm)} [${state}]${who}${th}`
}

/** Escapes control characters (terminal escapes) in untrusted text. */
export const clean = escapeControls

function bytes(n: number): string {
  if (n < 1024) return `${n} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let v = n / 1024
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`
}

function ms(us: number): string {
  return us < 1000 ? `${us} µs` : `${(us / 1000).toFixed(1)} ms`
}
