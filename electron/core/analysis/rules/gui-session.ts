import type { Finding } from '../../../common/model'
import { isConnectedUnix, procLabel, unixPeerName } from '../describe'
import { perProcess, type Rule } from '../rule'

/** Socket names of display servers and the session message bus. */
const GUI_SOCKET = [
  { re: /^@?\/tmp\/\.X11-unix\/X\d+$/, what: 'the X11 display server' },
  { re: /(^|\/)wayland-[^/]*$/, what: 'the Wayland compositor' },
  { re: /^\/run\/user\/\d+\/bus$/, what: 'the session D-Bus' },
  { re: /^@?\/tmp\/dbus-[A-Za-z0-9]+$/, what: 'the session D-Bus' }
]

function guiTarget(name: string | null): string | null {
  if (!name) return null
  return GUI_SOCKET.find((g) => g.re.test(name))?.what ?? null
}

/**
 * `gui-session`: the program talks to X11, Wayland or the session D-Bus. Those connections carry
 * state held by the display server (windows, buffers, bus names) that cannot be restored. Found
 * from sockets, not from the environment (another user's environ is unreadable).
 */
export const guiSessionRule: Rule = (ctx) => {
  return perProcess(ctx, 'gui-session', (p) => {
    const findings: Finding[] = []
    const evidence: string[] = []
    const targets = new Set<string>()
    for (const fd of p.fds) {
      if (fd.kind !== 'socket' || fd.proto !== 'unix') continue
      const connected = isConnectedUnix(fd)
      const peerName = connected ? unixPeerName(fd, ctx.socketByInode) : null
      const target = guiTarget(peerName) ?? guiTarget(fd.local)
      if (!target) continue
      targets.add(target)
      evidence.push(`fd ${fd.fd}: unix socket ${peerName ?? fd.local} (${target})`)
    }
    if (evidence.length === 0) return findings
    findings.push({
      id: 'gui-session',
      severity: 'blocker',
      pid: p.pid,
      message:
        `Process ${procLabel(p)} is connected to ${[...targets].join(' and ')}. Its windows ` +
        `and session state live in that server, which CRIU cannot save or recreate, so a ` +
        `graphical program cannot be frozen and restored safely. Freeze programs that run ` +
        `without a display (terminal or background programs) instead.`,
      evidence
    })
    return findings
  })
}
