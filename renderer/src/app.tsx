/**
 * The shell: view switcher, the active view, the Freeze dialog, keyboard shortcuts. Only the
 * Processes view is in the first bundle; the other views and the dialog load when first shown.
 */
import { lazy, Suspense, useEffect, type ReactNode } from 'react'

import type { Api } from '../../electron/common/contract'
import { command } from './commands/commands'
import { ProcessesView } from './features/processes/processes-view'
import type { AppStore } from './store/create-store'
import { useAppStore } from './store/create-store'
import type { View } from './store/ui-slice'

const SnapshotsView = lazy(() =>
  import('./features/snapshots/snapshots-view').then((m) => ({ default: m.SnapshotsView }))
)
const SystemView = lazy(() =>
  import('./features/system/system-view').then((m) => ({ default: m.SystemView }))
)
const FreezeDialog = lazy(() =>
  import('./features/freeze/freeze-dialog').then((m) => ({ default: m.FreezeDialog }))
)

function Loading(): ReactNode {
  return <p className="loading">Loading…</p>
}

const VIEWS: Array<{ id: View; label: string }> = [
  { id: 'processes', label: 'Processes' },
  { id: 'snapshots', label: 'Snapshots' },
  { id: 'system', label: 'System' }
]

function StatusBar(): ReactNode {
  const list = useAppStore((s) => s.list)
  const paused = useAppStore((s) => s.paused)
  const connected = useAppStore((s) => s.connected)
  const applyMs = useAppStore((s) => s.lastApplyMs)
  return (
    <footer className="statusbar" role="status">
      {!connected && <span className="warn">Disconnected from the core; retrying…</span>}
      {list?.partial && <span>Reading the rest of the process list…</span>}
      {list && !list.partial && (
        <span>
          {list.rows.length} processes · scanned in {Math.round(list.durationMs)} ms
          {applyMs !== null ? ` · applied in ${applyMs.toFixed(1)} ms` : ''}
        </span>
      )}
      {paused && <span className="warn">Live refresh paused</span>}
    </footer>
  )
}

/** Global shortcuts (F5, Ctrl+S, Ctrl+P, Ctrl+F), through the same commands. */
function useShortcuts(store: AppStore): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const s = store.getState()
      if (s.freezeStep !== 'closed') {
        if (e.key === 'Escape' && s.freezeStep !== 'running') s.closeFreeze()
        return
      }
      const run = (id: Parameters<typeof command>[0]): void => {
        const c = command(id)
        if (c.enabled(s) === true) c.run(s, { allParentIds: () => [] })
        e.preventDefault()
      }
      if (e.key === 'F5') run('refresh')
      else if (e.ctrlKey && e.key === 's') run('freeze')
      else if (e.ctrlKey && e.key === 'p') run('toggle-pause')
      else if (e.ctrlKey && e.key === 'f') {
        document.querySelector<HTMLInputElement>('input.search')?.focus()
        e.preventDefault()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [store])
}

/** Runs commands sent by Electron's app menu, with the same enabled checks as the toolbar. */
function useMenuCommands(store: AppStore, api: Api | undefined): void {
  useEffect(() => {
    if (!api) return
    return api.subscribe('ui.command', ({ id }) => {
      const s = store.getState()
      const c = command(id)
      if (c.enabled(s) === true) c.run(s, { allParentIds: () => [] })
    })
  }, [store, api])
}

export function App(props: { store: AppStore; api?: Api }): ReactNode {
  const view = useAppStore((s) => s.view)
  const setView = useAppStore((s) => s.setView)
  const dialogOpen = useAppStore((s) => s.freezeStep !== 'closed')
  useShortcuts(props.store)
  useMenuCommands(props.store, props.api)
  return (
    <div className="app">
      <nav className="topbar" aria-label="Views">
        <span className="brand">Icebox</span>
        {VIEWS.map((v) => (
          <button
            type="button"
            key={v.id}
            className={`nav${view === v.id ? ' active' : ''}`}
            aria-current={view === v.id ? 'page' : undefined}
            onClick={() => setView(v.id)}
          >
            {v.label}
          </button>
        ))}
      </nav>
      <main className="main">
        {view === 'processes' && <ProcessesView />}
        <Suspense fallback={<Loading />}>
          {view === 'snapshots' && <SnapshotsView />}
          {view === 'system' && <SystemView />}
        </Suspense>
      </main>
      <StatusBar />
      {dialogOpen && (
        <Suspense fallback={null}>
          <FreezeDialog />
        </Suspense>
      )}
    </div>
  )
}
