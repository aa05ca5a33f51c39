/**
 * Every user action defined once, with when it is enabled (and why not), so the toolbar, the
 * right-click menu, keyboard shortcuts and Electron's app menu all show the same thing.
 */
import type { AppState } from '../store/types'

export type CommandId =
  | 'freeze'
  | 'details'
  | 'refresh'
  | 'toggle-pause'
  | 'expand-all'
  | 'collapse-all'
  | 'show-snapshots'

export interface Command {
  id: CommandId
  label: (s: AppState) => string
  shortcut?: string
  /** True when it can run; otherwise the reason it cannot, in words. */
  enabled: (s: AppState) => true | string
  run: (s: AppState, extra: { allParentIds: () => string[] }) => void
}

function selectedRow(s: AppState) {
  return s.list?.rows.find((r) => r.pid === s.selectedPid) ?? null
}

/** The command list in toolbar order. */
export const COMMANDS: Command[] = [
  {
    id: 'freeze',
    label: () => 'Freeze and save… (criu dump)',
    shortcut: 'Ctrl+S',
    enabled(s) {
      const row = selectedRow(s)
      if (!row) return s.vanished ? 'The selected process has exited.' : 'Select a process first.'
      if (row.verdict === 'blocked') {
        return `Cannot freeze ${row.name} (${row.pid}): ${row.reasons.join('; ') || 'blocked'}`
      }
      return true
    },
    run: (s) => {
      if (s.selectedPid !== null) void s.openFreeze(s.selectedPid)
    }
  },
  {
    id: 'details',
    label: () => 'Refresh details',
    enabled: (s) => (s.selectedPid !== null ? true : 'Select a process first.'),
    run: (s) => void s.loadDetails()
  },
  {
    id: 'refresh',
    label: () => 'Refresh now',
    shortcut: 'F5',
    enabled: () => true,
    run: (s) => void s.refresh()
  },
  {
    id: 'toggle-pause',
    label: (s) => (s.paused ? 'Resume live refresh' : 'Pause live refresh'),
    shortcut: 'Ctrl+P',
    enabled: () => true,
    run: (s) => s.setPaused(!s.paused)
  },
  {
    id: 'expand-all',
    label: () => 'Expand all',
    enabled: () => true,
    run: (s) => s.expandAll()
  },
  {
    id: 'collapse-all',
    label: () => 'Collapse all',
    enabled: () => true,
    run: (s, x) => s.collapseAll(x.allParentIds())
  },
  {
    id: 'show-snapshots',
    label: () => 'Show snapshots',
    enabled: () => true,
    run: (s) => {
      s.setView('snapshots')
      void s.refreshSnapshots()
    }
  }
]

/** Looks a command up by id. */
export function command(id: CommandId): Command {
  const c = COMMANDS.find((x) => x.id === id)
  if (!c) throw new Error(`unknown command ${id}`)
  return c
}
