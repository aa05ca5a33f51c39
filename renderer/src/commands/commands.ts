/**
 * Every user action defined once, with when it is enabled (and why not), so the toolbar, the
 * right-click menu, keyboard shortcuts and Electron's app menu all show the same thing.
 */
import { COMMAND_INFO, type CommandId } from '../../../electron/common/api-commands'
import type { AppState } from '../store/types'

export type { CommandId }

function labelOf(id: CommandId): string {
  return COMMAND_INFO.find((c) => c.id === id)?.label ?? id
}

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
    label: () => labelOf('freeze'),
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
    label: () => labelOf('details'),
    enabled: (s) => (s.selectedPid !== null ? true : 'Select a process first.'),
    run: (s) => void s.loadDetails()
  },
  {
    id: 'refresh',
    label: () => labelOf('refresh'),
    shortcut: 'F5',
    enabled: () => true,
    run: (s) => void s.refreshNow()
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
    label: () => labelOf('expand-all'),
    enabled: () => true,
    run: (s) => s.expandAll()
  },
  {
    id: 'collapse-all',
    label: () => labelOf('collapse-all'),
    enabled: () => true,
    run: (s, x) => s.collapseAll(x.allParentIds())
  },
  {
    id: 'show-snapshots',
    label: () => labelOf('show-snapshots'),
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
