/** The rules catalogue (DESIGN.md §4), in the order findings are listed. */
import type { Rule } from '../rule'
import { childrenRule } from './children'
import { deletedFileRule } from './deleted-file'
import { deviceRule } from './device'
import { externalPidfdRule } from './external-pidfd'
import { externalPipeRule } from './external-pipe'
import { externalUnixSocketRule } from './external-unix-socket'
import { fileLockRule } from './file-lock'
import { foreignNamespaceRule } from './foreign-namespace'
import { guiSessionRule } from './gui-session'
import { incompleteRule } from './incomplete'
import { inotifyRule } from './inotify'
import { kernelThreadRule } from './kernel-thread'
import { otherUserRule } from './other-user'
import { selfRule } from './self'
import { startTimeChangesRule } from './start-time-changes'
import { sysvShmRule } from './sysv-shm'
import { tcpEstablishedRule } from './tcp-established'
import { tracedRule } from './traced'
import { ttyRule } from './tty'
import { unsupportedFdRule } from './unsupported-fd'
import { uprobesRule } from './uprobes'
import { zombieRule } from './zombie'

export const RULES: readonly Rule[] = [
  kernelThreadRule,
  selfRule,
  otherUserRule,
  foreignNamespaceRule,
  zombieRule,
  tracedRule,
  guiSessionRule,
  deviceRule,
  unsupportedFdRule,
  externalPidfdRule,
  sysvShmRule,
  externalUnixSocketRule,
  tcpEstablishedRule,
  fileLockRule,
  ttyRule,
  uprobesRule,
  deletedFileRule,
  externalPipeRule,
  inotifyRule,
  incompleteRule,
  childrenRule,
  startTimeChangesRule
]
