import type { ReactNode } from 'react'

import { CommandButton } from '../../components/command-button'
import { useAppStore } from '../../store/create-store'

const INTERVALS = [1000, 2000, 3000, 5000, 10000]

/** Search, filters, refresh controls and the commands. */
export function ProcessToolbar(props: { allParentIds: () => string[] }): ReactNode {
  const search = useAppStore((s) => s.search)
  const setSearch = useAppStore((s) => s.setSearch)
  const mineOnly = useAppStore((s) => s.mineOnly)
  const freezableOnly = useAppStore((s) => s.freezableOnly)
  const hideKernel = useAppStore((s) => s.hideKernel)
  const setFilter = useAppStore((s) => s.setFilter)
  const intervalMs = useAppStore((s) => s.intervalMs)
  const setIntervalMs = useAppStore((s) => s.setIntervalMs)
  return (
    <div className="toolbar" role="toolbar">
      <input
        type="search"
        className="search"
        placeholder="Search name, command, user or pid"
        aria-label="Search processes"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
      />
      <label className="check">
        <input
          type="checkbox"
          checked={mineOnly}
          onChange={(e) => setFilter('mineOnly', e.target.checked)}
        />
        Mine only
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={freezableOnly}
          onChange={(e) => setFilter('freezableOnly', e.target.checked)}
        />
        Freezable only
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={hideKernel}
          onChange={(e) => setFilter('hideKernel', e.target.checked)}
        />
        Hide kernel threads
      </label>
      <span className="spacer" />
      <label className="check">
        Every
        <select
          value={intervalMs}
          aria-label="Refresh interval"
          onChange={(e) => setIntervalMs(Number(e.target.value))}
        >
          {INTERVALS.map((ms) => (
            <option key={ms} value={ms}>
              {ms / 1000} s
            </option>
          ))}
        </select>
      </label>
      <CommandButton id="toggle-pause" allParentIds={props.allParentIds} />
      <CommandButton id="refresh" allParentIds={props.allParentIds} />
      <CommandButton id="freeze" allParentIds={props.allParentIds} className="btn primary" />
    </div>
  )
}
