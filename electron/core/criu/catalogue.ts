/**
 * The error catalogue of criu-in-practice.md §4.2: CRIU log messages (volatile numbers replaced
 * by N, see log.ts) mapped to what happened, why, and what to do. Data only.
 */
import type { AppErrorCode } from '../../common/errors'

export interface CatalogueEntry {
  /** The id in criu-in-practice.md §4.2 (D1…, R1…) or ENOSPC. */
  id: string
  phase: 'dump' | 'restore' | 'any'
  /** Matched against the normalized message (numbers → N). */
  pattern: RegExp
  /** When set, the whole log must also match this (tells R7 from R6). */
  requires?: RegExp
  code?: AppErrorCode
  /** Builds the sentence from the raw message (to name the pid, the file…). */
  message: (raw: string) => string
  why: string
  remedy: string
}

const first = (raw: string, re: RegExp): string => re.exec(raw)?.[1] ?? '?'

export const CATALOGUE: CatalogueEntry[] = [
  {
    id: 'ENOSPC',
    phase: 'any',
    pattern: /No space left on device/,
    code: 'NO_SPACE',
    message: () => 'The disk of the snapshot store is full.',
    why: 'CRIU writes the whole memory of the process; the filesystem ran out of space.',
    remedy: 'Free some space (remove old snapshots with `icebox rm ID`) or use another --store.'
  },
  {
    id: 'D1',
    phase: 'dump',
    pattern: /The root process N is not a session leader/,
    message: (r) => `Process ${first(r, /process (\d+)/)} is not a session leader.`,
    why: 'It shares a login session with the program that launched it (a shell or the desktop).',
    remedy: 'Freeze it as a shell job (--shell-job); Icebox adds it unless it was turned off.'
  },
  {
    id: 'D2',
    phase: 'dump',
    pattern: /Task attached to shell terminal|Found dangling tty with sid/,
    message: () => 'The process is attached to a terminal.',
    why: 'CRIU saves a terminal program only as a shell job, and it needs a terminal at restore.',
    remedy: 'Freeze with --shell-job (Icebox adds it unless turned off); restore from a terminal.'
  },
  {
    id: 'D4-stream',
    phase: 'dump',
    pattern: /Can't dump half of stream unix connection/,
    code: 'NOT_FREEZABLE',
    message: (r) =>
      `The process is connected to ${first(r, /peer name: (\S+)/)} through a unix stream socket.`,
    why: "CRIU can't save one half of a stream connection; the other side (often D-Bus, X11 or Wayland) is outside the frozen tree.",
    remedy: 'Freeze the peer together with it (a common parent), or close the connection first.'
  },
  {
    id: 'D4',
    phase: 'dump',
    pattern: /External socket is used\. Consider using --ext-unix-sk/,
    message: () => 'The process has a unix socket connected to a process outside the tree.',
    why: 'CRIU saves such a socket only when told that its peer stays outside (--ext-unix-sk).',
    remedy:
      'Freeze with --ext-unix-sk (datagram sockets only); the peer must still exist at restore.'
  },
  {
    id: 'D5',
    phase: 'dump',
    pattern: /Connected TCP socket, consider using --tcp-established/,
    message: () => 'The process has an established TCP connection.',
    why: 'CRIU needs to know whether to keep the connection or drop it.',
    remedy: 'Freeze with --tcp-established (keep it, restore once) or --tcp-close (drop it).'
  },
  {
    id: 'D6',
    phase: 'any',
    pattern:
      /iptables-restore|Iptables configuration failed|Failed to lock TCP connection|Locking network failed/,
    message: () => 'CRIU could not lock the network to keep the TCP connections.',
    why: 'The iptables tool it uses by default is missing or does not work here.',
    remedy:
      'Use --network-lock nftables (Icebox does when `criu check` says it works) or --tcp-close.'
  },
  {
    id: 'D9',
    phase: 'dump',
    pattern: /Some file locks are hold by dumping tasks/,
    message: () => 'The process holds file locks.',
    why: 'CRIU saves file locks only with --file-locks.',
    remedy: 'Freeze with --file-locks (Icebox adds it unless turned off) and restore with it too.'
  },
  {
    id: 'D10',
    phase: 'dump',
    pattern: /Can't dump ghost file .* of N size, increase limit/,
    message: (r) => `The deleted file ${first(r, /ghost file (\S+)/)} is larger than the limit.`,
    why: 'CRIU copies deleted-but-open files into the snapshot, by default only up to 1 MiB.',
    remedy: 'Raise the limit (--ghost-limit) to at least the file size, or close the file first.'
  },
  {
    id: 'D11',
    phase: 'dump',
    pattern: /Can't create link remap for .*\. Use link-remap option/,
    message: (r) =>
      `The deleted file ${first(r, /link remap for (\S+?)\.?\s/)} still has another name.`,
    why: 'CRIU can save it only by creating a link_remap.N file next to it (--link-remap).',
    remedy: 'Allow --link-remap (it leaves a file behind) or close the file first.'
  },
  {
    id: 'D12',
    phase: 'dump',
    pattern: /Can't dump file N of that type \[N\] \(chr N:N\)/,
    code: 'NOT_FREEZABLE',
    message: (r) =>
      `The process has a device open (character device ${first(r, /\(chr (\d+:\d+)\)/)}).`,
    why: "CRIU can't save the state of hardware devices (GPU, KVM, FUSE, …).",
    remedy: 'Close the device in the program first; such programs cannot be frozen.'
  },
  {
    id: 'D15',
    phase: 'dump',
    pattern: /send_fds failed|Can't retrieve FDs from socket|anon_inode:\[io_uring\]/,
    code: 'NOT_FREEZABLE',
    message: () => 'The process uses io_uring.',
    why: 'CRIU does not support io_uring.',
    remedy: 'This program cannot be frozen while it uses io_uring.'
  },
  {
    id: 'D16',
    phase: 'dump',
    pattern: /Can't dump file N of that type \[N\] \(anon /,
    code: 'NOT_FREEZABLE',
    message: (r) =>
      `The process has an unsupported kernel object open (${first(r, /anon_inode:\[([^\]]+)\]/)}).`,
    why: 'CRIU cannot save perf events, userfaultfd and similar kernel objects.',
    remedy: 'This program cannot be frozen while it uses them.'
  },
  {
    id: 'D19',
    phase: 'dump',
    pattern:
      /Unable to interrupt task|task not stopped after seize|Unseizable non-zombie|zombie found while seizing|Unable to detach from/,
    code: 'NOT_FREEZABLE',
    message: (r) => `CRIU could not take hold of process ${first(r, /(\d+)/)}.`,
    why: 'Another tool (a debugger, strace, a crash handler) is attached to it with ptrace.',
    remedy: 'Detach the debugger or tracer (see TracerPid in /proc/PID/status), then try again.'
  },
  {
    // Observed 27 Nov: root dumping another user's process where root's bounding set lacks
    // CAP_SYS_RESOURCE (containers, sandboxes); CRIU reads the task's limits with prlimit.
    id: 'rlimit-cap',
    phase: 'dump',
    pattern: /Can't get rlimit N: Operation not permitted/,
    code: 'PERMISSION_DENIED',
    message: () => "CRIU was not allowed to read the process's resource limits.",
    why:
      "Reading another user's limits takes CAP_SYS_RESOURCE, and root here runs without it " +
      '(a container or sandbox that drops it).',
    remedy:
      'Freeze the process as the user who owns it (through the helper: `sudo icebox ' +
      'install-helper`, then `icebox freeze PID` as that user), or run Icebox where root keeps ' +
      'CAP_SYS_RESOURCE.'
  },
  {
    id: 'D20',
    phase: 'dump',
    pattern:
      /Can't lookup mount=N for fd=N|doesn't have a proper root mount|overmounted mounts|autodetected external mount/,
    code: 'NOT_FREEZABLE',
    message: () => 'The process lives in its own mount namespace (a sandbox).',
    why: 'Flatpak, Snap and systemd sandboxing give it a private view of the filesystem CRIU cannot save alone.',
    remedy: 'Sandboxed programs are not supported; freeze a program that runs outside a sandbox.'
  },
  {
    id: 'D29',
    phase: 'any',
    pattern:
      /needs to have the CAP_SYS_ADMIN or the CAP_CHECKPOINT_RESTORE|mapfile link .*Operation not permitted|can't dump unprivileged task/,
    code: 'PERMISSION_DENIED',
    message: () => 'CRIU lacks the privileges it needs.',
    why: 'Without root, CRIU needs CAP_CHECKPOINT_RESTORE (and ptrace rights).',
    remedy: 'Run as root (sudo icebox …) or install the Icebox helper (icebox install-helper).'
  },
  {
    id: 'R1',
    phase: 'restore',
    pattern:
      /Can't fork for N: File exists|Pid N do not match expected|intersects with pid|can only be restored in a new pid namespace/,
    message: (r) => `Process id ${first(r, /(\d+)/)} is already in use.`,
    why: 'The snapshot must come back with its own pids; another process (or the original, or an unreaped zombie) holds it.',
    remedy:
      'Close the process holding that pid (or wait until its parent reaps it), then restore again.'
  },
  {
    id: 'R2',
    phase: 'restore',
    pattern: /Requested sid N doesn't match inherited/,
    message: () => 'The snapshot is a shell job but was restored without --shell-job.',
    why: 'A process frozen as a shell job must be restored as one.',
    remedy: 'Restore with the flags of the dump (Icebox reuses them from the manifest).'
  },
  {
    id: 'R3',
    phase: 'restore',
    pattern: /Don't have tty to inherit session from/,
    message: () => 'The snapshot needs a terminal to come back to.',
    why: 'It was frozen with a terminal; CRIU restores it only into a terminal it can inherit.',
    remedy:
      'Restore it as root (`sudo icebox restore ID`): Icebox then brings it back inside a tmux ' +
      'session of its own (`tmux -L icebox attach -t icebox-ID`).'
  },
  {
    id: 'R7',
    phase: 'restore',
    pattern: /File .* has bad size N \(expect N\)/,
    requires: /Can't open vma/,
    message: (r) =>
      `The program file /${first(r, /File (\S+) has bad size/)} changed since the freeze.`,
    why: 'The program or a library was updated (or replaced); the saved memory no longer fits it.',
    remedy: 'Put the old version back; otherwise this snapshot cannot be restored.'
  },
  {
    id: 'R6',
    phase: 'restore',
    pattern: /File .* has bad size N \(expect N\)/,
    message: (r) => `The file /${first(r, /File (\S+) has bad size/)} changed since the freeze.`,
    why: 'CRIU restores open files only when they have the size they had; this one was modified.',
    remedy: 'Put the old version of the file back, or give up this snapshot.'
  },
  {
    id: 'R8',
    phase: 'restore',
    pattern: /Can't open file .* on restore/,
    message: (r) => `The file /${first(r, /Can't open file (\S+) on restore/)} is gone.`,
    why: 'The process had it open when it was frozen; it was deleted or moved since (e.g. /tmp cleaned).',
    remedy: 'Put the file back where it was, then restore again.'
  },
  {
    id: 'R9',
    phase: 'restore',
    pattern: /External socket found in image/,
    message: () => 'The snapshot has a unix socket to a process outside it.',
    why: 'It must be restored with --ext-unix-sk, like it was frozen.',
    remedy: 'Restore with the flags of the dump (Icebox reuses them from the manifest).'
  },
  {
    id: 'R17',
    phase: 'restore',
    pattern: /iptables: Bad rule/,
    message: () => 'The network lock of this snapshot was already removed.',
    why: 'The snapshot kept TCP connections and was probably restored (or cleaned up) before.',
    remedy: 'A snapshot with kept TCP connections can be restored only once.'
  }
]
