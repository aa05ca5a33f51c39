/** The System view: CRIU and its features, the kernel, the privilege path, the store. */
import { useEffect, type ReactNode } from 'react'

import { ErrorBox } from '../../components/error-box'
import { formatBytes } from '../../lib/format'
import { useAppStore } from '../../store/create-store'

export function SystemView(): ReactNode {
  const info = useAppStore((s) => s.system)
  const error = useAppStore((s) => s.systemError)
  const load = useAppStore((s) => s.loadSystem)
  useEffect(() => {
    void load()
  }, [load])
  if (error) return <ErrorBox error={error} />
  if (!info) return <p className="loading">Checking the system…</p>
  return (
    <div className="system-view" data-testid="system-view">
      <section className="card">
        <h2>CRIU</h2>
        {info.criu.found ? (
          <p>
            {info.criu.path} · version {info.criu.version ?? 'unknown'}{' '}
            {info.criu.versionOk ? '(supported)' : '(too old)'}
          </p>
        ) : (
          <p>CRIU was not found.</p>
        )}
        {info.criu.problem && <ErrorBox error={info.criu.problem} />}
        <ul className="features">
          {info.criu.features.map((f) => (
            <li key={f.name} className={f.ok ? 'ok' : 'missing'}>
              {f.ok ? '✓' : '✗'} {f.name}
              {f.detail ? <span className="muted"> — {f.detail}</span> : null}
            </li>
          ))}
        </ul>
      </section>
      <section className="card">
        <h2>Kernel and host</h2>
        <p>
          {info.hostname} · Linux {info.kernel} · running as {info.user} (uid {info.uid}) · Icebox{' '}
          {info.iceboxVersion}
        </p>
      </section>
      <section className="card">
        <h2>Privilege path</h2>
        <p data-privilege={info.privilege.mode}>{info.privilege.summary}</p>
        {info.privilege.howTo && <p className="muted">{info.privilege.howTo}</p>}
      </section>
      <section className="card">
        <h2>Snapshot store</h2>
        <p>
          {info.store.root} · {info.store.snapshots} snapshots · {formatBytes(info.store.bytes)}{' '}
          used
          {info.store.freeBytes !== null ? ` · ${formatBytes(info.store.freeBytes)} free` : ''}
        </p>
      </section>
    </div>
  )
}
