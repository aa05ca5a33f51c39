/**
 * Classifies the target of a /proc/PID/fd/N symlink from its text alone. Targets that are paths
 * still need a stat to tell a file from a directory, a device or a named FIFO, and a deleted file
 * from a live one whose name ends in " (deleted)" (pathOfLink); the scanner does that for the
 * 'path' class only.
 */
import type { AnonKind } from '../../common/model'

const DELETED = ' (deleted)'

/** What the link text says, before any stat. */
export type FdLinkClass =
  | { cls: 'pipe'; inode: number }
  | { cls: 'socket'; inode: number }
  | { cls: 'anon'; anonKind: AnonKind }
  | { cls: 'memfd'; name: string }
  | { cls: 'path'; path: string; deleted: boolean }
  | { cls: 'unknown' }

const ANON_KINDS: Record<string, AnonKind> = {
  eventfd: 'eventfd',
  eventpoll: 'eventpoll',
  inotify: 'inotify',
  fanotify: 'fanotify',
  signalfd: 'signalfd',
  timerfd: 'timerfd',
  pidfd: 'pidfd',
  io_uring: 'io_uring',
  userfaultfd: 'userfaultfd',
  perf_event: 'perf_event',
  'bpf-map': 'bpf-map',
  'bpf-prog': 'bpf-prog',
  'bpf-link': 'bpf-link',
  bpf_link: 'bpf-link',
  dmabuf: 'dmabuf'
}

/** "[12345]" at `from` → 12345, or null. */
function bracketNumber(target: string, from: number): number | null {
  if (target.charCodeAt(from) !== 91 /* [ */ || !target.endsWith(']')) return null
  const n = Number(target.slice(from + 1, -1))
  return Number.isSafeInteger(n) && n >= 0 ? n : null
}

/** Kind of "anon_inode:[io_uring]", "anon_inode:inotify", "anon_inode:bpf-map" …; 'other' if new. */
export function anonKindOf(name: string): AnonKind {
  const bare = name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name
  return ANON_KINDS[bare] ?? 'other'
}

/** Classifies one fd link target. */
export function classifyFdLink(target: string): FdLinkClass {
  if (target.startsWith('pipe:')) {
    const inode = bracketNumber(target, 5)
    return inode === null ? { cls: 'unknown' } : { cls: 'pipe', inode }
  }
  if (target.startsWith('socket:')) {
    const inode = bracketNumber(target, 7)
    return inode === null ? { cls: 'unknown' } : { cls: 'socket', inode }
  }
  if (target.startsWith('anon_inode:'))
    return { cls: 'anon', anonKind: anonKindOf(target.slice(11)) }
  if (target.startsWith('/memfd:')) {
    const name = target.endsWith(DELETED) ? target.slice(7, -DELETED.length) : target.slice(7)
    return { cls: 'memfd', name }
  }
  // dma-buf fds live on their own pseudo filesystem: "/dmabuf:" plus an optional name.
  if (target.startsWith('/dmabuf:')) return { cls: 'anon', anonKind: 'dmabuf' }
  if (target.startsWith('/')) return { cls: 'path', ...pathOfLink(target, null) }
  // nsfs ("net:[4026531840]"), pidfs on older kernels, and anything new.
  return { cls: 'unknown' }
}

/**
 * The path a path link names and whether its file was deleted. The kernel appends " (deleted)"
 * to an unlinked file's path, but any user can name a live file "x (deleted)": the open file's
 * link count (from the stat the scanner makes anyway) decides; without it, the text does.
 */
export function pathOfLink(
  target: string,
  nlink: number | null
): { path: string; deleted: boolean } {
  const deleted = target.endsWith(DELETED) && (nlink === null || nlink === 0)
  return { path: deleted ? target.slice(0, -DELETED.length) : target, deleted }
}
