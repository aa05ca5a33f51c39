import { useState, type ReactNode } from 'react'

import type { AppErrorData } from '../../../electron/common/errors'

/** An explained error: what happened, why, what to do, and the log a click away. */
export function ErrorBox(props: { error: AppErrorData; log?: string | null }): ReactNode {
  const [showLog, setShowLog] = useState(false)
  const { error } = props
  const log = props.log ?? error.detail ?? null
  return (
    <div className="error-box" role="alert" data-code={error.code}>
      <div className="error-message">{error.message}</div>
      {error.why && (
        <div>
          <span className="label">Why: </span>
          {error.why}
        </div>
      )}
      {error.remedy && (
        <div>
          <span className="label">What to do: </span>
          {error.remedy}
        </div>
      )}
      {log && (
        <>
          <button type="button" className="link" onClick={() => setShowLog(!showLog)}>
            {showLog ? 'Hide log' : 'Show log'}
          </button>
          {showLog && <pre className="log">{log}</pre>}
        </>
      )}
    </div>
  )
}
