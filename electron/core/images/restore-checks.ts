/**
 * Offline restore checks: what can be known without running CRIU. Are the original pids free,
 * do the files the snapshot needs still exist with the recorded size, which TCP connections
 * would have to be brought back. Reads /proc and stats paths; never opens the files.
 */
import { existsSync, statSync } from 'node:fs'

import type { RestoreChecks, RestoreFileCheck, SnapshotProcess } from '../../common/snapshot-view'

/** A file the restore re-opens, with the size recorded at dump time (regular files). */
export interface NeededFile {
  path: string
  expectedSize: number | null
}

export interface RestoreCheckInput {
  processes: SnapshotProcess[]
  neededFiles: NeededFile[]
  /** Where to look for running pids (tests may point elsewhere). */
  procRoot?: string
}

export function checkRestore(input: RestoreCheckInput): RestoreChecks {
  const procRoot = input.procRoot ?? '/proc'
  const problems: string[] = []

  const pidSet = new Set<number>()
  for (const p of input.processes) {
    if (p.state === 'dead') continue
    pidSet.add(p.pid)
    for (const t of p.threads) pidSet.add(t.tid)
  }
  const pids = [...pidSet].map((pid) => ({ pid, free: !existsSync(`${procRoot}/${pid}`) }))
  const busy = pids.filter((p) => !p.free).map((p) => p.pid)
  if (busy.length > 0) {
    problems.push(
      `Pid${busy.length > 1 ? 's' : ''} ${busy.join(', ')} ${busy.length > 1 ? 'are' : 'is'} in use now; ` +
        'CRIU restores processes with their original pids.'
    )
  }

  const files: RestoreFileCheck[] = input.neededFiles.map(({ path, expectedSize }) => {
    let st
    try {
      st = statSync(path)
    } catch {
      return { path, expectedSize, exists: false, size: null, ok: false }
    }
    const size = st.isFile() ? st.size : null
    const ok = expectedSize === null || size === null || size === expectedSize
    return { path, expectedSize, exists: true, size, ok }
  })
  for (const f of files) {
    if (!f.exists) problems.push(`${f.path} is gone; the snapshot had it open.`)
    else if (!f.ok) {
      problems.push(`${f.path} changed size (${f.expectedSize} bytes at dump, ${f.size} now).`)
    }
  }

  const tcpConnections = input.processes.flatMap((p) =>
    p.fds
      .filter((fd) => fd.kind === 'tcp' && fd.remote !== null && fd.state !== 'LISTEN')
      .map((fd) => ({
        pid: p.pid,
        fd: fd.fd,
        local: fd.local ?? '',
        remote: fd.remote ?? '',
        state: fd.state ?? ''
      }))
  )
  return { pids, files, tcpConnections, problems }
}
