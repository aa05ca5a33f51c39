import type { ReactNode } from 'react'

import type { Verdict } from '../../../../electron/common/model'

const LABELS: Record<Verdict, string> = {
  freezable: 'Freezable',
  'needs-options': 'Needs options',
  blocked: 'Blocked'
}

/** Freezability badge; the reasons show on hover (as plain text, never HTML). */
export function VerdictBadge(props: { verdict: Verdict; reasons: string[] }): ReactNode {
  const title = props.reasons.length > 0 ? props.reasons.join('\n') : LABELS[props.verdict]
  return (
    <span className={`badge badge-${props.verdict}`} title={title} data-verdict={props.verdict}>
      {LABELS[props.verdict]}
    </span>
  )
}
