/**
 * Checklist #17: only our own window's main frame, on the app:// origin, may call the contract.
 */
import type { IpcMainInvokeEvent } from 'electron'

export const APP_ORIGIN = 'app://icebox'

/** Returns null when the sender is trusted, else the reason it is refused. */
export function untrustedReason(
  e: IpcMainInvokeEvent,
  allowedWebContentsIds: Set<number>
): string | null {
  if (!allowedWebContentsIds.has(e.sender.id)) return `unknown WebContents ${e.sender.id}`
  const frame = e.senderFrame
  if (!frame) return 'no sender frame'
  if (frame.parent !== null) return 'not the main frame'
  let origin: string
  try {
    origin = new URL(frame.url).origin
  } catch {
    return 'unparsable frame URL'
  }
  // app://icebox/... has the opaque origin "null" in URL for unknown schemes; compare prefix.
  if (!frame.url.startsWith(`${APP_ORIGIN}/`) && origin !== APP_ORIGIN) {
    return `foreign origin ${origin}`
  }
  return null
}
