import type { Rule } from '../rule'

/** `start-time-changes`: always true after a restore; tools that rely on these ids notice. */
export const startTimeChangesRule: Rule = (ctx) => [
  {
    id: 'start-time-changes',
    severity: 'info',
    pid: ctx.root.pid,
    message:
      'After restore the processes keep their pids, but their start time, mount ids and ' +
      'socket ids change. Tools that identify a process by its start time will see a new one.',
    evidence: [`started ${ctx.root.startTime}`]
  }
]
