import type { Finding } from '../../../common/model'
import { procLabel } from '../describe'
import { perProcess, type Rule } from '../rule'

/**
 * `sysv-shm`: SysV shared memory in the host IPC namespace (D18, e.g. X11 MIT-SHM clients). CRIU
 * saves SysV IPC only with a private IPC namespace, so the dump fails.
 */
export const sysvShmRule: Rule = (ctx) => {
  return perProcess(ctx, 'sysv-shm', (p) => {
    const findings: Finding[] = []
    if (!p.maps?.sysvShm) return findings
    findings.push({
      id: 'sysv-shm',
      severity: 'blocker',
      pid: p.pid,
      message:
        `Process ${procLabel(p)} uses System V shared memory shared with the whole machine ` +
        `(often with the X server). CRIU can only save it for programs in their own IPC ` +
        `namespace, so the freeze would fail.`,
      evidence: [`pid ${p.pid}: SYSV shared memory mapping in /proc/${p.pid}/maps`]
    })
    return findings
  })
}
