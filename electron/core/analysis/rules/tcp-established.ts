import type { Finding } from '../../../common/model'
import { procLabel } from '../describe'
import { perProcess, type Rule } from '../rule'

/** TCP states of a connection (not a listener and not a closed socket). */
const CONNECTED_STATES = new Set([
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'CLOSE_WAIT',
  'LAST_ACK',
  'CLOSING'
])

/**
 * `tcp-established`: a connected TCP socket (D5). CRIU refuses it unless told to keep it
 * (--tcp-established: TCP repair plus a firewall lock, root only, restorable once) or to drop it
 * (--tcp-close: the program sees the connection closed and must reconnect).
 */
export const tcpEstablishedRule: Rule = (ctx) => {
  const asUser = ctx.context.mode === 'user'
  return perProcess(ctx, 'tcp-established', (p) => {
    const findings: Finding[] = []
    const evidence: string[] = []
    for (const fd of p.fds) {
      if (fd.kind !== 'socket' || (fd.proto !== 'tcp' && fd.proto !== 'tcp6')) continue
      if (!fd.state || !CONNECTED_STATES.has(fd.state)) continue
      const state = fd.state === 'ESTABLISHED' ? '' : ` (${fd.state})`
      evidence.push(`fd ${fd.fd}: ${fd.local ?? '?'} -> ${fd.remote ?? '?'}${state}`)
    }
    if (evidence.length === 0) return findings
    const what = `Process ${procLabel(p)} has ${evidence.length === 1 ? 'an open TCP connection' : `${evidence.length} open TCP connections`}. `
    findings.push(
      asUser
        ? {
            id: 'tcp-established',
            severity: 'needs-option',
            pid: p.pid,
            option: '--tcp-close',
            message:
              what +
              `Keeping connections alive across a freeze needs root (CRIU repairs the socket ` +
              `and locks the network with firewall rules), so as a user the freeze uses ` +
              `--tcp-close: the connections are dropped and the program has to reconnect.`,
            evidence
          }
        : {
            id: 'tcp-established',
            severity: 'needs-option',
            pid: p.pid,
            option: '--tcp-established',
            alternatives: ['--tcp-close'],
            message:
              what +
              `With --tcp-established CRIU keeps them: traffic is blocked by firewall rules ` +
              `until restore, which must happen on this machine and works only once. With ` +
              `--tcp-close they are dropped instead and the program has to reconnect.`,
            evidence
          }
    )
    return findings
  })
}
