import type { IpcMainInvokeEvent } from 'electron'
import { describe, expect, it } from 'vitest'

import { untrustedReason } from '../../../electron/main/trusted-senders'

function event(id: number, url: string, parent: unknown = null): IpcMainInvokeEvent {
  return { sender: { id }, senderFrame: { url, parent } } as unknown as IpcMainInvokeEvent
}

describe('IPC sender validation (checklist #17)', () => {
  const ours = new Set([7])
  it('accepts our window main frame on app://icebox', () => {
    expect(untrustedReason(event(7, 'app://icebox/index.html'), ours)).toBeNull()
  })
  it('refuses other WebContents, subframes and foreign origins', () => {
    expect(untrustedReason(event(8, 'app://icebox/index.html'), ours)).toMatch(
      /unknown WebContents/
    )
    expect(untrustedReason(event(7, 'app://icebox/index.html', {}), ours)).toMatch(/main frame/)
    expect(untrustedReason(event(7, 'https://evil.example/'), ours)).toMatch(/foreign origin/)
    expect(untrustedReason(event(7, 'app://icebox.evil/x'), ours)).toMatch(/foreign origin/)
  })
})
