import type { Finding } from '../../../common/model'
import { formatBytes } from '../../../common/bytes'
import { procLabel } from '../describe'
import { perProcess, type Rule } from '../rule'

/** CRIU's default --ghost-limit: larger deleted files make the dump fail (D10). */
export const DEFAULT_GHOST_LIMIT = 1024 * 1024

/**
 * `deleted-file`: open or mapped files that were deleted. CRIU copies their contents into the
 * snapshot as "ghost files"; above 1 MiB only with a larger --ghost-limit.
 */
export const deletedFileRule: Rule = (ctx) => {
  return perProcess(ctx, 'deleted-file', (p) => {
    const findings: Finding[] = []
    const small: string[] = []
    const large: string[] = []
    let largest = 0
    for (const fd of p.fds) {
      if (fd.kind !== 'file' || !fd.deleted) continue
      const size = fd.size === null ? 'size unknown' : formatBytes(fd.size)
      const line = `fd ${fd.fd}: ${fd.path} (${size})`
      if (fd.size !== null && fd.size > DEFAULT_GHOST_LIMIT) {
        large.push(line)
        largest = Math.max(largest, fd.size)
      } else {
        small.push(line)
      }
    }
    for (const path of p.maps?.deletedFiles ?? []) small.push(`mapped: ${path}`)
    if (p.exeDeleted) {
      const exe = p.exe ?? '?'
      // A program started from a memfd (e.g. a sealed copy of itself) was never on disk.
      small.push(
        exe.startsWith('/memfd:')
          ? `program file: ${exe.slice(1)} (runs from an in-memory file)`
          : `program file: ${exe} (deleted or replaced)`
      )
    }
    if (large.length > 0) {
      findings.push({
        id: 'deleted-file',
        severity: 'needs-option',
        pid: p.pid,
        option: '--ghost-limit',
        message:
          `Process ${procLabel(p)} keeps open a deleted file larger than 1 MiB (up to ` +
          `${formatBytes(largest)}). CRIU copies deleted files into the snapshot, but only up ` +
          `to 1 MiB unless --ghost-limit is raised; the snapshot grows by that much.`,
        evidence: large
      })
    }
    if (small.length > 0) {
      findings.push({
        id: 'deleted-file',
        severity: 'warning',
        pid: p.pid,
        message:
          `Process ${procLabel(p)} uses files that were deleted (often: the program or its ` +
          `libraries were replaced by an update). CRIU copies them into the snapshot and ` +
          `recreates them at restore; files over 1 MiB need a higher --ghost-limit, and ` +
          `Icebox cannot see the size of deleted mapped files, so the freeze may ask for it.`,
        evidence: small
      })
    }
    return findings
  })
}
