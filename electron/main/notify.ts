/** Desktop notifications when a freeze or restore finishes (the window may be hidden). */
import { Notification } from 'electron'

import type { JobFinished } from '../common/api-types'

/** Shows one notification for a finished job. */
export function notifyJobFinished(f: JobFinished): void {
  if (!Notification.isSupported()) return
  const what = f.kind === 'freeze' ? 'Freeze' : 'Restore'
  const body = f.ok
    ? f.kind === 'freeze'
      ? `Saved snapshot ${f.snapshotId ?? ''}.`
      : `Running again as pid ${f.rootPid ?? '?'}.`
    : (f.error?.message ?? 'It failed.')
  new Notification({ title: `${what} ${f.ok ? 'finished' : 'failed'}`, body }).show()
}
