/**
 * Presets the Freeze dialog's options from the analysis, with the reason for each, and lists
 * the criu flags they add. Pure: the dialog shows exactly what this returns.
 */
import type { FreezeOptions, PlannedOption, PrivilegeMode } from '../common/api-types'
import type { Analysis, CriuOption, Finding } from '../common/model'

function firstOf(findings: Finding[], id: Finding['id']): Finding | undefined {
  return findings.find((f) => f.id === id)
}

/** The options preset from the findings, and why each is set the way it is. */
export function presetOptions(
  analysis: Analysis,
  privilege: PrivilegeMode
): { options: FreezeOptions; explained: PlannedOption[] } {
  const f = analysis.findings
  const tcp = firstOf(f, 'tcp-established')
  const extUnix = f.find((x) => x.id === 'external-unix-socket' && x.option === '--ext-unix-sk')
  const locks = firstOf(f, 'file-lock')
  const tty = firstOf(f, 'tty')
  const deleted = f.find((x) => x.option === '--link-remap')
  const canKeepTcp = privilege === 'root'
  const options: FreezeOptions = {
    leaveRunning: false,
    tcp: tcp ? (canKeepTcp ? 'keep' : 'close') : 'none',
    extUnixSockets: Boolean(extUnix),
    fileLocks: Boolean(locks),
    shellJob: Boolean(tty),
    linkRemap: Boolean(deleted)
  }
  const explained: PlannedOption[] = [
    {
      key: 'leaveRunning',
      label: 'Keep running after the snapshot (criu -R)',
      reason:
        'Off: the processes stop once saved, so the snapshot is the only copy. On: they go on ' +
        'running and the snapshot becomes an older copy that will diverge from them.',
      flags: []
    },
    {
      key: 'tcp',
      label: 'Established TCP connections',
      reason: tcp
        ? canKeepTcp
          ? `Kept (--tcp-established): ${tcp.evidence.slice(0, 2).join(', ') || tcp.message} ` +
            'The connection can be restored exactly once. Choose "close" to drop it instead.'
          : 'Closed (--tcp-close): keeping a connection needs root network privileges, which ' +
            'the helper path does not have.'
        : 'No established TCP connection was found.',
      flags: tcp ? (canKeepTcp ? ['--tcp-established'] : ['--tcp-close']) : []
    },
    {
      key: 'extUnixSockets',
      label: 'External unix sockets (--ext-unix-sk)',
      reason: extUnix
        ? `On: ${extUnix.message} The peer must still exist at restore.`
        : 'Off: no datagram socket talks to a process outside the tree.',
      flags: extUnix ? ['--ext-unix-sk'] : []
    },
    {
      key: 'fileLocks',
      label: 'File locks (--file-locks)',
      reason: locks ? `On: ${locks.message}` : 'Off: the tree holds no file locks.',
      flags: locks ? ['--file-locks'] : []
    },
    {
      key: 'shellJob',
      label: 'Shell job (--shell-job)',
      reason: tty ? `On: ${tty.message}` : 'Off: the tree has no controlling terminal.',
      flags: tty ? ['--shell-job'] : []
    },
    {
      key: 'linkRemap',
      label: 'Deleted files (--link-remap)',
      reason: deleted ? `On: ${deleted.message}` : 'Off: not needed.',
      flags: deleted ? ['--link-remap'] : []
    }
  ]
  return { options, explained }
}

/** The criu flags the options add, in a stable order. */
export function optionFlags(o: FreezeOptions): CriuOption[] {
  const flags: CriuOption[] = []
  if (o.shellJob) flags.push('--shell-job')
  if (o.tcp === 'keep') flags.push('--tcp-established')
  if (o.tcp === 'close') flags.push('--tcp-close')
  if (o.extUnixSockets) flags.push('--ext-unix-sk')
  if (o.fileLocks) flags.push('--file-locks')
  if (o.linkRemap) flags.push('--link-remap')
  return flags
}

/**
 * The criu command line shown in the dialog (a display copy: the engine builds the real argv
 * from the same options).
 */
export function displayCommandLine(pid: number, o: FreezeOptions, dir: string): string[] {
  const argv = ['criu', 'dump', '-t', String(pid), '-D', dir, '-v4', '-o', 'dump.log']
  argv.push('--no-default-config', '--display-stats')
  argv.push(...optionFlags(o))
  if (o.tcp === 'keep') argv.push('--network-lock', 'nftables')
  if (o.leaveRunning) argv.push('-R')
  return argv
}
