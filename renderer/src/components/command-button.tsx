import type { ReactNode } from 'react'

import { command, type CommandId } from '../commands/commands'
import { useAppStore } from '../store/create-store'
import type { AppState } from '../store/types'

/** Renders one command as a button; a disabled one says why in its tooltip and aria text. */
export function CommandButton(props: {
  id: CommandId
  allParentIds: () => string[]
  className?: string
  onDone?: () => void
}): ReactNode {
  const c = command(props.id)
  const state = useAppStore((s: AppState) => s)
  const enabled = c.enabled(state)
  const why = enabled === true ? undefined : enabled
  return (
    <button
      type="button"
      className={props.className ?? 'btn'}
      data-command={c.id}
      disabled={enabled !== true}
      title={why ?? (c.shortcut ? `${c.label(state)} (${c.shortcut})` : c.label(state))}
      aria-description={why}
      onClick={() => {
        c.run(state, { allParentIds: props.allParentIds })
        props.onDone?.()
      }}
    >
      {c.label(state)}
    </button>
  )
}
