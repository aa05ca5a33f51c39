import { useState, type ReactNode } from 'react'

/** Simple tabs: a row of buttons and the active panel. */
export function Tabs(props: {
  tabs: Array<{ id: string; label: string; render: () => ReactNode }>
  testId?: string
}): ReactNode {
  const [active, setActive] = useState(props.tabs[0]?.id ?? '')
  const tab = props.tabs.find((t) => t.id === active) ?? props.tabs[0]
  return (
    <div className="tabs" data-testid={props.testId}>
      <div className="tab-row" role="tablist">
        {props.tabs.map((t) => (
          <button
            type="button"
            role="tab"
            key={t.id}
            aria-selected={t.id === tab?.id}
            className={`tab${t.id === tab?.id ? ' active' : ''}`}
            onClick={() => setActive(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div className="tab-panel" role="tabpanel">
        {tab?.render()}
      </div>
    </div>
  )
}
