import type { ReactNode } from 'react'

import type { ExplainedFinding } from '../../../../electron/common/api-types'

const SEVERITY: Record<string, string> = {
  blocker: 'Blocker',
  'needs-option': 'Needs option',
  warning: 'Warning',
  info: 'Info'
}

/** Findings with their explanation, evidence and what Icebox will do about each. */
export function FindingsList(props: { findings: ExplainedFinding[] }): ReactNode {
  if (props.findings.length === 0) return <p className="muted">No findings.</p>
  const order = ['blocker', 'needs-option', 'warning', 'info']
  const sorted = [...props.findings].sort(
    (a, b) => order.indexOf(a.severity) - order.indexOf(b.severity)
  )
  return (
    <ul className="findings">
      {sorted.map((f, i) => (
        <li
          key={`${f.id}-${f.pid}-${i}`}
          className={`finding sev-${f.severity}`}
          data-finding={f.id}
        >
          <div>
            <span className={`sev sev-${f.severity}`}>{SEVERITY[f.severity] ?? f.severity}</span>{' '}
            <code>{f.id}</code> <span className="muted">pid {f.pid}</span>
          </div>
          <div>{f.message}</div>
          {f.evidence.length > 0 && <div className="evidence">{f.evidence.join(' · ')}</div>}
          <div className="action">{f.action}</div>
        </li>
      ))}
    </ul>
  )
}
