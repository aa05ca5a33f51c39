import type { Finding, NamespaceKind } from '../../../common/model'
import { procLabel } from '../describe'
import { perProcess, type Rule } from '../rule'

const KINDS: NamespaceKind[] = ['pid', 'mnt', 'net', 'ipc', 'user']

/**
 * `foreign-namespace`: the process lives in other namespaces than Icebox (a container, Flatpak,
 * Snap, a sandboxed systemd service). CRIU needs a namespace-aware, container-style dump for
 * those (D20–D23), which Icebox does not do.
 */
export const foreignNamespaceRule: Rule = (ctx) => {
  return perProcess(ctx, 'foreign-namespace', (p) => {
    const findings: Finding[] = []
    const evidence: string[] = []
    for (const kind of KINDS) {
      const ns = p.namespaces[kind]
      if (ns.inode !== null && !ns.same) evidence.push(`${kind} namespace ${ns.inode}`)
    }
    if (p.nspid.length > 1) evidence.push(`nested pid namespace: NSpid ${p.nspid.join(' ')}`)
    if (evidence.length === 0) return findings
    findings.push({
      id: 'foreign-namespace',
      severity: 'blocker',
      pid: p.pid,
      message:
        `Process ${procLabel(p)} runs in a separate namespace (a container, a sandbox such as ` +
        `Flatpak or Snap, or a sandboxed service). CRIU would have to save the whole ` +
        `container with it, which Icebox does not do; use the container tool's own ` +
        `checkpoint feature instead (for example podman container checkpoint).`,
      evidence
    })
    return findings
  })
}
