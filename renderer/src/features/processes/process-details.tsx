/**
 * Details of the selected process: identity, resources by kind (pipe and socket peers are
 * clickable), and the findings with what Icebox will do about each.
 */
import type { ReactNode } from 'react'

import type { ProcessDetails } from '../../../../electron/common/api-types'
import type { FdEntry, PeerRef, PipeFd, SocketFd } from '../../../../electron/common/model'
import { ErrorBox } from '../../components/error-box'
import { Tabs } from '../../components/tabs'
import { formatBytes, formatLocal, formatRelative } from '../../lib/format'
import { useAppStore } from '../../store/create-store'
import { FindingsList } from './findings-list'

function PeerLinks(props: { peers: PeerRef[] }): ReactNode {
  const select = useAppStore((s) => s.select)
  if (props.peers.length === 0) return <span className="muted">none</span>
  return (
    <>
      {props.peers.map((p) => (
        <button
          type="button"
          key={`${p.pid}-${p.fd}`}
          className="link peer"
          data-peer-pid={p.pid}
          onClick={() => select(p.pid)}
        >
          {p.name} ({p.pid}){p.fd !== null ? ` fd ${p.fd}` : ''}
        </button>
      ))}
    </>
  )
}

function Table(props: { head: string[]; rows: ReactNode[][]; empty: string; testId?: string }) {
  if (props.rows.length === 0) return <p className="muted">{props.empty}</p>
  return (
    <table className="dtable" data-testid={props.testId}>
      <thead>
        <tr>
          {props.head.map((h) => (
            <th key={h}>{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r, i) => (
          <tr key={i}>
            {r.map((c, j) => (
              <td key={j}>{c}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function filesTab(fds: FdEntry[]): ReactNode {
  const rows = fds.flatMap((f): ReactNode[][] => {
    if (f.kind === 'file')
      return [[f.fd, f.path + (f.deleted ? ' (deleted)' : ''), f.pos ?? '—', formatBytes(f.size)]]
    if (f.kind === 'dir') return [[f.fd, f.path, '', 'directory']]
    if (f.kind === 'memfd') return [[f.fd, `memfd:${f.name}`, '', '']]
    if (f.kind === 'anon') return [[f.fd, f.target, '', f.anonKind]]
    if (f.kind === 'unknown') return [[f.fd, f.target, '', '']]
    return []
  })
  return <Table head={['fd', 'path', 'offset', 'size']} rows={rows} empty="No open files." />
}

function pipesTab(fds: FdEntry[]): ReactNode {
  const pipes = fds.filter((f): f is PipeFd => f.kind === 'pipe')
  return (
    <Table
      testId="pipes-table"
      head={['fd', 'pipe', 'end', 'other end']}
      rows={pipes.map((p) => [
        p.fd,
        p.variant === 'fifo' ? `fifo ${p.path ?? ''}` : `pipe:[${p.inode}]`,
        p.end ?? '?',
        <PeerLinks key="p" peers={p.peers} />
      ])}
      empty="No pipes."
    />
  )
}

function socketsTab(fds: FdEntry[]): ReactNode {
  const socks = fds.filter((f): f is SocketFd => f.kind === 'socket')
  return (
    <Table
      testId="sockets-table"
      head={['fd', 'proto', 'state', 'local', 'remote / peer']}
      rows={socks.map((s) => [
        s.fd,
        `${s.proto}${s.type ? ` ${s.type}` : ''}`,
        s.state ?? '',
        s.local ?? '',
        s.proto === 'unix' ? (
          s.peers.length > 0 ? (
            <PeerLinks key="p" peers={s.peers} />
          ) : s.peerKnown ? (
            (s.remote ?? (s.peerInode ? `socket:[${s.peerInode}]` : 'unconnected'))
          ) : (
            'unknown peer'
          )
        ) : (
          (s.remote ?? '')
        )
      ])}
      empty="No sockets."
    />
  )
}

function DetailsBody(props: { d: ProcessDetails }): ReactNode {
  const { process: p } = props.d
  return (
    <div className="details-body">
      <dl className="facts">
        <dt>Command line</dt>
        <dd className="mono">{p.cmdline.length ? p.cmdline.join(' ') : `[${p.name}]`}</dd>
        <dt>Executable</dt>
        <dd className="mono">
          {p.exe ?? '—'}
          {p.exeDeleted ? ' (deleted)' : ''}
        </dd>
        <dt>Working directory</dt>
        <dd className="mono">{p.cwd ?? '—'}</dd>
        <dt>Started</dt>
        <dd>
          {formatLocal(p.startTime)} ({formatRelative(p.startTime)}){' '}
          <span className="muted">— a restored process shows the time of its restore.</span>
        </dd>
        <dt>User / session</dt>
        <dd>
          {p.user} (uid {p.uid}) · session {p.sid} · group {p.pgid}
          {p.tty ? ` · tty ${p.tty}` : ''}
        </dd>
      </dl>
      <Tabs
        testId="details-tabs"
        tabs={[
          {
            id: 'findings',
            label: `Findings (${props.d.findings.length})`,
            render: () => <FindingsList findings={props.d.findings} />
          },
          { id: 'files', label: 'Files', render: () => filesTab(p.fds) },
          { id: 'pipes', label: 'Pipes', render: () => pipesTab(p.fds) },
          { id: 'sockets', label: 'Sockets', render: () => socketsTab(p.fds) },
          {
            id: 'locks',
            label: 'Locks',
            render: () => (
              <Table
                head={['kind', 'access', 'file', 'range', 'fd']}
                rows={p.locks.map((l) => [
                  `${l.kind} ${l.mode}`,
                  l.access,
                  l.path ?? `${l.dev}:${l.inode}`,
                  `${l.start}–${l.end}`,
                  l.fd ?? '—'
                ])}
                empty="No file locks."
              />
            )
          },
          {
            id: 'devices',
            label: 'Devices',
            render: () => (
              <Table
                head={['fd', 'device', 'type', 'major:minor']}
                rows={[
                  ...p.fds.flatMap((f) =>
                    f.kind === 'device' ? [[f.fd, f.path, f.devType, `${f.major}:${f.minor}`]] : []
                  ),
                  ...(p.maps?.devices ?? []).map((m) => [
                    'mmap',
                    m.path,
                    'mapped',
                    `${m.major}:${m.minor}`
                  ])
                ]}
                empty="No devices."
              />
            )
          }
        ]}
      />
    </div>
  )
}

/** The details panel below the table. */
export function ProcessDetailsPanel(): ReactNode {
  const pid = useAppStore((s) => s.selectedPid)
  const details = useAppStore((s) => s.details)
  const error = useAppStore((s) => s.detailsError)
  const vanished = useAppStore((s) => s.vanished)
  if (pid === null) {
    return (
      <div className="details empty">Select a process to see its files, pipes and sockets.</div>
    )
  }
  return (
    <section className="details" aria-label="Process details" data-testid="details">
      <header className="details-head">
        <h2>
          {details?.process.name ?? `Process ${pid}`} <span className="muted">pid {pid}</span>
        </h2>
        {vanished && (
          <div className="note" role="status">
            Process {pid} has exited; what you see is its last known state.
          </div>
        )}
      </header>
      {error && !vanished && <ErrorBox error={error} />}
      {details && details.process.pid === pid && <DetailsBody d={details} />}
      {!details && !error && <p className="muted">Loading…</p>}
    </section>
  )
}
