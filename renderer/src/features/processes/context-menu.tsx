import { useEffect, type ReactNode } from 'react'

import { COMMANDS } from '../../commands/commands'
import { CommandButton } from '../../components/command-button'
import { useAppStore } from '../../store/create-store'

/** The right-click menu: the same commands as the toolbar. */
export function ContextMenu(props: { allParentIds: () => string[] }): ReactNode {
  const menu = useAppStore((s) => s.menu)
  const openMenu = useAppStore((s) => s.openMenu)
  useEffect(() => {
    if (!menu) return
    const close = (): void => openMenu(null)
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') close()
    }
    window.addEventListener('click', close)
    window.addEventListener('keydown', onKey)
    return () => {
      window.removeEventListener('click', close)
      window.removeEventListener('keydown', onKey)
    }
  }, [menu, openMenu])
  if (!menu) return null
  return (
    <div
      className="context-menu"
      role="menu"
      style={{ left: `${menu.x}px`, top: `${menu.y}px` }}
      onClick={(e) => e.stopPropagation()}
    >
      {COMMANDS.map((c) => (
        <CommandButton
          key={c.id}
          id={c.id}
          className="menu-item"
          allParentIds={props.allParentIds}
          onDone={() => openMenu(null)}
        />
      ))}
    </div>
  )
}
