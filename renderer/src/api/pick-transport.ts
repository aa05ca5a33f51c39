/**
 * Chooses how the renderer reaches the core: the preload's `window.icebox` in Electron, else
 * the `icebox serve` WebSocket on the page's own host with the token from the URL.
 */
import type { Transport } from '../../../electron/common/contract'

declare global {
  interface Window {
    /** Exposed by electron/preload: the raw transport (returns Result envelopes). */
    icebox?: Transport
  }
}

/** The transport for this page. */
export function pickTransport(
  createWs: (url: string) => Transport,
  w: Pick<Window, 'icebox' | 'location'> = window
): Transport {
  if (w.icebox) return w.icebox
  const token = new URLSearchParams(w.location.search).get('token') ?? ''
  const url = `ws://${w.location.host}/rpc?token=${encodeURIComponent(token)}`
  return createWs(url)
}
