/** The Snapshots view: filterable, sortable list on the left, details on the right. */
import { useEffect, useMemo, useState, type ReactNode } from 'react'

import type { SnapshotState } from '../../../../electron/common/api-types'
import { ErrorBox } from '../../components/error-box'
import { formatBytes, formatLocal, formatRelative } from '../../lib/format'
import { useAppStore } from '../../store/create-store'
import type { SnapshotSort } from '../../store/snapshots-slice'
import { SnapshotDetailsPane } from './snapshot-details'

const STATE_LABEL: Record<SnapshotState, string> = {
  ready: 'Ready',
  restored: 'Restored',
  'tcp-used': 'TCP already used',
  damaged: 'Damaged'
}

/** Import an archive made by Export (a path on the machine running the core). */
function ImportBar(): ReactNode {
  const [path, setPath] = useState('')
  const importSnapshot = useAppStore((s) => s.importSnapshot)
  const message = useAppStore((s) => s.archiveMessage)
  const error = useAppStore((s) => s.archiveError)
  return (
    <div className="import-bar">
      <input
        className="search"
        aria-label="Archive to import"
        placeholder="/path/to/snapshot.tar"
        value={path}
        onChange={(e) => setPath(e.target.value)}
      />
      <button
        type="button"
        className="btn"
        data-command="import"
        disabled={!path.trim()}
        onClick={() => void importSnapshot(path.trim())}
      >
        Import
      </button>
      {message && (
        <div className="muted" role="status" data-testid="archive-message">
          {message}
        </div>
      )}
      {error && <ErrorBox error={error} />}
    </div>
  )
}

export function SnapshotsView(): ReactNode {
  const snapshots = useAppStore((s) => s.snapshots)
  const error = useAppStore((s) => s.snapshotsError)
  const filter = useAppStore((s) => s.snapshotFilter)
  const setFilter = useAppStore((s) => s.setSnapshotFilter)
  const sort = useAppStore((s) => s.snapshotSort)
  const setSort = useAppStore((s) => s.setSnapshotSort)
  const selected = useAppStore((s) => s.selectedSnapshot)
  const select = useAppStore((s) => s.selectSnapshot)
  const refresh = useAppStore((s) => s.refreshSnapshots)
  useEffect(() => {
    void refresh()
  }, [refresh])
  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase()
    const list = (snapshots ?? []).filter(
      (s) =>
        !f ||
        s.name.toLowerCase().includes(f) ||
        s.sourceName.toLowerCase().includes(f) ||
        s.sourceCommand.toLowerCase().includes(f) ||
        s.id.includes(f)
    )
    const by: Record<SnapshotSort, (a: (typeof list)[0], b: (typeof list)[0]) => number> = {
      created: (a, b) => b.createdAt.localeCompare(a.createdAt),
      name: (a, b) => a.name.localeCompare(b.name),
      size: (a, b) => b.sizeBytes - a.sizeBytes
    }
    return list.sort(by[sort])
  }, [snapshots, filter, sort])
  return (
    <div className="snapshots-view">
      <div className="snap-list">
        <div className="toolbar">
          <input
            type="search"
            className="search"
            placeholder="Filter snapshots"
            aria-label="Filter snapshots"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
          />
          <select
            aria-label="Sort snapshots"
            value={sort}
            onChange={(e) => setSort(e.target.value as SnapshotSort)}
          >
            <option value="created">Newest first</option>
            <option value="name">Name</option>
            <option value="size">Largest first</option>
          </select>
          <button type="button" className="btn" onClick={() => void refresh()}>
            Refresh
          </button>
        </div>
        <ImportBar />
        {error && <ErrorBox error={error} />}
        {snapshots && shown.length === 0 && (
          <p className="empty">
            {snapshots.length === 0
              ? 'No snapshots yet. Freeze a process from the Processes view.'
              : 'No snapshot matches.'}
          </p>
        )}
        <ul className="snap-rows" role="listbox" aria-label="Snapshots">
          {shown.map((s) => (
            <li
              key={s.id}
              role="option"
              aria-selected={s.id === selected}
              data-snapshot={s.id}
              className={`snap-row${s.id === selected ? ' selected' : ''}`}
              onClick={() => void select(s.id)}
            >
              <div className="snap-row-top">
                <strong>{s.name}</strong>
                <span className={`badge state-${s.state}`} title={s.stateReason}>
                  {STATE_LABEL[s.state]}
                </span>
              </div>
              <div className="muted">
                {s.sourceName} (pid {s.sourcePid}) · {formatLocal(s.createdAt)} (
                {formatRelative(s.createdAt)}) · {formatBytes(s.sizeBytes)}
              </div>
            </li>
          ))}
        </ul>
      </div>
      <SnapshotDetailsPane />
    </div>
  )
}
