/**
 * One snapshot: pre-flight and one-click restore, then what the decoded images hold (process
 * tree, files and connections, memory, CRIU's timings) and the log.
 */
import { useState, type ReactNode } from 'react'

import type { SnapshotView } from '../../../../electron/common/snapshot-view'
import { ErrorBox } from '../../components/error-box'
import { Tabs } from '../../components/tabs'
import { formatBytes, formatDuration, formatLocal } from '../../lib/format'
import { useAppStore } from '../../store/create-store'

function TreeTab(props: { view: SnapshotView }): ReactNode {
  const { processes } = props.view
  const depth = new Map<number, number>()
  for (const p of processes) depth.set(p.pid, (depth.get(p.ppid) ?? -1) + 1)
  return (
    <ul className="snap-tree" data-testid="snapshot-tree">
      {processes.map((p) => (
        <li key={p.pid} style={{ paddingLeft: `${(depth.get(p.pid) ?? 0) * 16}px` }}>
          <strong>{p.comm}</strong> <span className="muted">pid {p.pid}</span> · {p.state}
          {p.exitText ? ` (${p.exitText})` : ''} · {p.threads.length} thread
          {p.threads.length === 1 ? '' : 's'}
          {p.creds ? ` · uid ${p.creds.uid}` : ''}
          {p.cwd ? <span className="muted"> · cwd {p.cwd}</span> : null}
        </li>
      ))}
    </ul>
  )
}

function FilesTab(props: { view: SnapshotView }): ReactNode {
  return (
    <div data-testid="snapshot-files">
      {props.view.processes.map((p) => (
        <div key={p.pid} className="snap-proc">
          <h4>
            {p.comm} <span className="muted">pid {p.pid}</span>
          </h4>
          <table className="dtable">
            <tbody>
              {p.fds.map((f) => (
                <tr key={f.fd}>
                  <td>{f.fd}</td>
                  <td>{f.kind}</td>
                  <td className="mono">{f.description}</td>
                  <td>
                    {f.peers.map((peer) => `${peer.comm} (${peer.pid}) fd ${peer.fd}`).join(', ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </div>
  )
}

function MemoryTab(props: { view: SnapshotView }): ReactNode {
  const t = props.view.totals
  const tm = props.view.timings
  return (
    <dl className="facts">
      <dt>Processes / threads</dt>
      <dd>
        {t.processes} / {t.threads}
      </dd>
      <dt>Mapped memory</dt>
      <dd>
        {formatBytes(t.mappedBytes)} in {t.vmas} mappings
      </dd>
      <dt>Pages stored</dt>
      <dd>
        {formatBytes(t.pageBytes)} ({t.pagesPresent} pages)
      </dd>
      <dt>Image files</dt>
      <dd>
        {t.imageFiles} files, {formatBytes(t.imageBytes)}
      </dd>
      {tm && (
        <>
          <dt>CRIU timings</dt>
          <dd>
            freezing {formatDuration(tm.freezingUs / 1000)}, frozen{' '}
            {formatDuration(tm.frozenUs / 1000)}, memory dump {formatDuration(tm.memdumpUs / 1000)},
            memory write {formatDuration(tm.memwriteUs / 1000)}
          </dd>
        </>
      )}
    </dl>
  )
}

/** The right-hand pane of the Snapshots view. */
export function SnapshotDetailsPane(): ReactNode {
  const id = useAppStore((s) => s.selectedSnapshot)
  const row = useAppStore((s) => s.snapshots?.find((x) => x.id === s.selectedSnapshot) ?? null)
  const details = useAppStore((s) => s.snapshotDetails)
  const detailsError = useAppStore((s) => s.snapshotDetailsError)
  const preflight = useAppStore((s) => s.preflight)
  const restore = useAppStore((s) => s.restoreSnapshot)
  const del = useAppStore((s) => s.deleteSnapshot)
  const restoreError = useAppStore((s) => s.restoreError)
  const job = useAppStore((s) => (s.restoreJobId ? s.jobs[s.restoreJobId] : undefined))
  const [confirmDelete, setConfirmDelete] = useState(false)
  const [exportPath, setExportPath] = useState('')
  const exportSnapshot = useAppStore((s) => s.exportSnapshot)
  if (!id) return <div className="snap-details empty">Select a snapshot.</div>
  const view = details?.view ?? null
  const blockers = preflight?.problems.filter((p) => p.blocking) ?? []
  const running = job !== undefined && job.finished === null
  return (
    <section className="snap-details" aria-label="Snapshot details" data-testid="snapshot-details">
      <header>
        <h2>{row?.name ?? id}</h2>
        {row && (
          <p className="muted">
            {row.sourceName} (pid {row.sourcePid}) · {formatLocal(row.createdAt)} ·{' '}
            {formatBytes(row.sizeBytes)} · {row.stateReason}
          </p>
        )}
      </header>
      <div className="restore-bar">
        <button
          type="button"
          className="btn primary"
          data-command="restore"
          disabled={running || blockers.length > 0 || preflight === null}
          title={blockers.map((b) => b.message).join('\n') || undefined}
          onClick={() => void restore(id)}
        >
          Restore (criu restore)
        </button>
        {confirmDelete ? (
          <>
            <span>Delete this snapshot for good?</span>
            <button type="button" className="btn danger" onClick={() => void del(id)}>
              Delete
            </button>
            <button type="button" className="btn" onClick={() => setConfirmDelete(false)}>
              Keep
            </button>
          </>
        ) : (
          <button type="button" className="btn" onClick={() => setConfirmDelete(true)}>
            Delete…
          </button>
        )}
      </div>
      <div className="restore-bar">
        <input
          className="search"
          aria-label="Export to"
          placeholder={`default: ~/icebox-${id}.tar`}
          value={exportPath}
          onChange={(e) => setExportPath(e.target.value)}
        />
        <button
          type="button"
          className="btn"
          data-command="export"
          onClick={() => void exportSnapshot(id, exportPath.trim() || undefined)}
        >
          Export
        </button>
      </div>
      {preflight && preflight.problems.length > 0 && (
        <ul className="preflight" data-testid="preflight">
          {preflight.problems.map((p, i) => (
            <li key={i} className={p.blocking ? 'blocking' : 'advice'}>
              {p.message}
              {p.remedy ? <span className="muted"> — {p.remedy}</span> : null}
            </li>
          ))}
        </ul>
      )}
      {restoreError && <ErrorBox error={restoreError} />}
      {job && (
        <div className="progress" data-testid="restore-progress" role="status">
          {job.finished
            ? job.finished.ok
              ? `Restored: running again as pid ${job.finished.rootPid ?? '?'}.` +
                (job.finished.terminal
                  ? ` It runs in a terminal of its own: ${job.finished.terminal}`
                  : '')
              : null
            : (job.progress.at(-1)?.message ?? 'Restoring…')}
          {job.finished && !job.finished.ok && job.finished.error && (
            <ErrorBox error={job.finished.error} log={job.finished.log} />
          )}
        </div>
      )}
      {detailsError && <ErrorBox error={detailsError} />}
      {details?.viewError && <ErrorBox error={details.viewError} />}
      {view && (
        <Tabs
          testId="snapshot-tabs"
          tabs={[
            { id: 'tree', label: 'Process tree', render: () => <TreeTab view={view} /> },
            { id: 'files', label: 'Files and connections', render: () => <FilesTab view={view} /> },
            { id: 'memory', label: 'Memory and timings', render: () => <MemoryTab view={view} /> },
            {
              id: 'log',
              label: 'Log',
              render: () => <pre className="log">{details?.log ?? 'No log.'}</pre>
            }
          ]}
        />
      )}
    </section>
  )
}
