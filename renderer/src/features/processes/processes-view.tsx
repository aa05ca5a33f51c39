/**
 * The Processes view: toolbar, tree table, details panel, right-click menu, live refresh.
 */
import { useCallback, useEffect, type ReactNode } from 'react'

import { ErrorBox } from '../../components/error-box'
import { useAppStore } from '../../store/create-store'
import { ContextMenu } from './context-menu'
import { ProcessDetailsPanel } from './process-details'
import { parentIds, ProcessTable, useProcessForest } from './process-table'
import { ProcessToolbar } from './process-toolbar'

export function ProcessesView(): ReactNode {
  const { forest, context } = useProcessForest()
  const listError = useAppStore((s) => s.listError)
  const hasList = useAppStore((s) => s.list !== null)
  const paused = useAppStore((s) => s.paused)
  const intervalMs = useAppStore((s) => s.intervalMs)
  const refresh = useAppStore((s) => s.refresh)
  const watch = useAppStore((s) => s.watch)
  const pushing = useAppStore((s) => s.pushing)
  const allParentIds = useCallback(() => parentIds(forest), [forest])

  // Live refresh: the core pushes changes at this interval while the view is shown.
  useEffect(() => {
    void watch(true)
    return () => void watch(false)
  }, [paused, intervalMs, watch])
  // A core that cannot push: fetch the whole list at the interval instead.
  useEffect(() => {
    if (paused || pushing !== false) return
    const t = setInterval(() => void refresh(), intervalMs)
    return () => clearInterval(t)
  }, [paused, pushing, intervalMs, refresh])

  return (
    <div className="processes-view">
      <ProcessToolbar allParentIds={allParentIds} />
      <div className="list-error">{listError && <ErrorBox error={listError} />}</div>
      {!hasList && !listError ? (
        <div className="loading">Reading /proc…</div>
      ) : (
        <ProcessTable forest={forest} context={context} />
      )}
      <ProcessDetailsPanel />
      <ContextMenu allParentIds={allParentIds} />
    </div>
  )
}
