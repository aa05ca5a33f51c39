/**
 * The user commands shared by the renderer's toolbar and context menu and Electron's app menu:
 * one id, one label, one shortcut. The renderer decides when each is enabled; the app menu
 * forwards a click as a `ui.command` event and the renderer runs it the same way.
 */
export const COMMAND_IDS = [
  'freeze',
  'details',
  'refresh',
  'toggle-pause',
  'expand-all',
  'collapse-all',
  'show-snapshots'
] as const

export type CommandId = (typeof COMMAND_IDS)[number]

export interface CommandInfo {
  id: CommandId
  label: string
  /** Electron accelerator syntax; the renderer handles the same keys itself. */
  accelerator?: string
}

/** Labels read as words with the technical term in parentheses. */
export const COMMAND_INFO: readonly CommandInfo[] = [
  { id: 'freeze', label: 'Freeze and save… (criu dump)', accelerator: 'CmdOrCtrl+S' },
  { id: 'details', label: 'Refresh details' },
  { id: 'refresh', label: 'Refresh now', accelerator: 'F5' },
  { id: 'toggle-pause', label: 'Pause or resume live refresh', accelerator: 'CmdOrCtrl+P' },
  { id: 'expand-all', label: 'Expand all' },
  { id: 'collapse-all', label: 'Collapse all' },
  { id: 'show-snapshots', label: 'Show snapshots' }
]
