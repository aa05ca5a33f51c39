/**
 * The Freeze dialog: what will be frozen, the findings, the options preset with reasons, the
 * effective criu command line, a name; then progress with phases and MiB, cancel, and the
 * result or the explained error with the log a click away.
 */
import { useMemo, type ReactNode } from 'react'

import type { FreezeOptions, FreezePlan } from '../../../../electron/common/api-types'
import { SNAPSHOT_NAME_MAX } from '../../../../electron/common/snapshot-name'
import { ErrorBox } from '../../components/error-box'
import { formatBytes, formatDuration } from '../../lib/format'
import { useAppStore } from '../../store/create-store'
import { FindingsList } from '../processes/findings-list'

/** The criu command line for the chosen options (mirrors the engine's display argv). */
function commandLine(plan: FreezePlan, o: FreezeOptions): string {
  // The plan's line is for the preset; adjust the option flags for the current choices.
  const base = plan.commandLine.filter(
    (a) =>
      ![
        '--shell-job',
        '--tcp-established',
        '--tcp-close',
        '--ext-unix-sk',
        '--file-locks',
        '--link-remap',
        '-R',
        '--leave-running',
        '--network-lock',
        'nftables'
      ].includes(a)
  )
  const flags: string[] = []
  if (o.shellJob) flags.push('--shell-job')
  if (o.tcp === 'keep') flags.push('--tcp-established', '--network-lock', 'nftables')
  if (o.tcp === 'close') flags.push('--tcp-close')
  if (o.extUnixSockets) flags.push('--ext-unix-sk')
  if (o.fileLocks) flags.push('--file-locks')
  if (o.linkRemap) flags.push('--link-remap')
  if (o.leaveRunning) flags.push('-R')
  return [...base, ...flags].join(' ')
}

function OptionsForm(props: { plan: FreezePlan; options: FreezeOptions }): ReactNode {
  const set = useAppStore((s) => s.setFreezeOption)
  const { plan, options } = props
  return (
    <div className="options">
      {plan.explained.map((e) => (
        <div className="option" key={e.key} data-option={e.key}>
          {e.key === 'tcp' ? (
            <label>
              {e.label}:{' '}
              <select
                value={options.tcp}
                onChange={(ev) => set('tcp', ev.target.value as FreezeOptions['tcp'])}
              >
                <option value="none">none found / leave as is</option>
                <option value="keep">keep (--tcp-established)</option>
                <option value="close">close (--tcp-close)</option>
              </select>
            </label>
          ) : (
            <label>
              <input
                type="checkbox"
                checked={Boolean(options[e.key])}
                onChange={(ev) => set(e.key, ev.target.checked as never)}
              />{' '}
              {e.label}
            </label>
          )}
          <div className="reason">{e.reason}</div>
        </div>
      ))}
    </div>
  )
}

/** The phases a job went through, the current one last. */
function Phases(props: { jobId: string; finished?: boolean }): ReactNode {
  const job = useAppStore((s) => s.jobs[props.jobId])
  const last = job?.progress.at(-1)
  return (
    <ol className="phases" data-testid="job-phases">
      {[...new Set(job?.progress.map((p) => p.phase) ?? [])].map((ph) => (
        <li key={ph} className={ph === last?.phase && !props.finished ? 'current' : 'done'}>
          {ph}
        </li>
      ))}
    </ol>
  )
}

function Progress(props: { jobId: string }): ReactNode {
  const job = useAppStore((s) => s.jobs[props.jobId])
  const cancel = useAppStore((s) => s.cancelJob)
  const last = job?.progress.at(-1)
  return (
    <div className="progress" data-testid="freeze-progress">
      <Phases jobId={props.jobId} />
      <div>
        {last ? last.message : 'Starting…'}
        {last?.bytesWritten != null && ` · ${formatBytes(last.bytesWritten)} written`}
        {last && ` · ${formatDuration(last.elapsedMs)}`}
      </div>
      <button type="button" className="btn" onClick={() => void cancel(props.jobId)}>
        Cancel
      </button>
    </div>
  )
}

/** The modal dialog, shown while a freeze is being planned, run or reported. */
export function FreezeDialog(): ReactNode {
  const step = useAppStore((s) => s.freezeStep)
  const plan = useAppStore((s) => s.plan)
  const error = useAppStore((s) => s.planError)
  const options = useAppStore((s) => s.freezeOptions)
  const name = useAppStore((s) => s.freezeName)
  const setName = useAppStore((s) => s.setFreezeName)
  const start = useAppStore((s) => s.startFreeze)
  const close = useAppStore((s) => s.closeFreeze)
  const jobId = useAppStore((s) => s.freezeJobId)
  const finished = useAppStore((s) => (s.freezeJobId ? s.jobs[s.freezeJobId]?.finished : null))
  const showSnapshot = useAppStore((s) => s.selectSnapshot)
  const setView = useAppStore((s) => s.setView)
  const line = useMemo(() => (plan && options ? commandLine(plan, options) : ''), [plan, options])
  if (step === 'closed') return null
  const editing = step === 'ready'
  return (
    <div className="modal-backdrop">
      <div className="modal" role="dialog" aria-modal="true" aria-label="Freeze">
        <header>
          <h2>Freeze {plan ? `${plan.tree[0]?.name ?? ''} (pid ${plan.pid})` : ''}</h2>
        </header>
        <div className="modal-body">
          {step === 'loading' && <p>Checking what this process holds…</p>}
          {plan && (editing || step === 'running') && (
            <>
              <section>
                <h3>What will be frozen</h3>
                <ul className="tree-list">
                  {plan.tree.map((r) => (
                    <li key={r.pid}>
                      {r.name} <span className="muted">pid {r.pid}</span>
                    </li>
                  ))}
                </ul>
                {plan.externalPeers.length > 0 && (
                  <p>
                    Connected to processes that stay outside:{' '}
                    {plan.externalPeers.map((p) => `${p.name} (${p.pid})`).join(', ')}
                  </p>
                )}
              </section>
              {plan.blocked && (
                <div className="error-box" role="alert">
                  <div className="error-message">This tree cannot be frozen.</div>
                  {plan.blockedReasons.map((r) => (
                    <div key={r}>{r}</div>
                  ))}
                </div>
              )}
              <section>
                <h3>Findings</h3>
                <FindingsList findings={plan.findings} />
              </section>
              {options && (
                <section>
                  <h3>Options</h3>
                  <OptionsForm plan={plan} options={options} />
                </section>
              )}
              <section>
                <h3>criu command</h3>
                <pre className="cmdline" data-testid="criu-cmdline">
                  {line}
                </pre>
              </section>
              <label className="name-field">
                Name{' '}
                <input
                  value={name}
                  maxLength={SNAPSHOT_NAME_MAX}
                  onChange={(e) => setName(e.target.value)}
                  disabled={!editing}
                />
              </label>
            </>
          )}
          {step === 'running' && jobId && <Progress jobId={jobId} />}
          {step === 'done' && finished && (
            <div className="result" role="status" data-testid="freeze-result">
              {jobId && <Phases jobId={jobId} finished />}
              <p>
                Saved snapshot <strong>{finished.snapshotId}</strong>:{' '}
                {formatBytes(finished.sizeBytes)}, frozen for {formatDuration(finished.frozenMs)}.
              </p>
            </div>
          )}
          {step === 'error' && error && <ErrorBox error={error} log={finished?.log ?? null} />}
        </div>
        <footer>
          {editing && (
            <button
              type="button"
              className="btn primary"
              disabled={!plan || plan.blocked}
              title={plan?.blocked ? plan.blockedReasons.join('\n') : undefined}
              onClick={() => void start()}
            >
              Freeze and save
            </button>
          )}
          {step === 'done' && finished?.snapshotId && (
            <button
              type="button"
              className="btn primary"
              onClick={() => {
                const id = finished.snapshotId
                close()
                setView('snapshots')
                if (id) void showSnapshot(id)
              }}
            >
              Show snapshot
            </button>
          )}
          {step !== 'running' && (
            <button type="button" className="btn" onClick={close}>
              {step === 'done' || step === 'error' ? 'Close' : 'Cancel'}
            </button>
          )}
        </footer>
      </div>
    </div>
  )
}
