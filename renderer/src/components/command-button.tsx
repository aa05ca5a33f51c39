import type { ReactNode } from 'react'

import { command, type CommandId } from '../commands/commands'
import { useAppStore, useAppStoreApi } from '../store/create-store'

/** Renders one command as a button; a disabled one says why in its tooltip and aria text. */
export function CommandButton(props: {
  id: CommandId
  allParentIds: () => string[]
  className?: string
  onDone?: () => void
}): ReactNode {
  const c = command(props.id)
  // Primitive selections: the button renders only when its label or enabled state changes, not
  // on every store update (a refresh of 5 000 rows, a status bar figure).
  const enabled = useAppStore((s) => c.enabled(s))
  const label = useAppStore((s) => c.label(s))
  const store = useAppStoreApi()
  const why = enabled === true ? undefined : enabled
  return (
    <button
      type="button"
      className={props.className ?? 'btn'}
      data-command={c.id}
      disabled={enabled !== true}
      title={why ?? (c.shortcut ? `${label} (${c.shortcut})` : label)}
      aria-description={why}
      onClick={() => {
        c.run(store.getState(), { allParentIds: props.allParentIds })
        props.onDone?.()
      }}
    >
      {label}
    </button>
  )
}
