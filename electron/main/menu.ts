/**
 * The application menu, built from the same command list as the toolbar; a click is sent to the
 * renderer as a `ui.command` event, where the same enabled checks apply.
 */
import { Menu, type MenuItemConstructorOptions } from 'electron'

import { COMMAND_INFO, type CommandId } from '../common/api-commands'

/** Installs the menu; `run` forwards a command to the window. */
export function installMenu(run: (id: CommandId) => void): void {
  const item = (id: CommandId): MenuItemConstructorOptions => {
    const info = COMMAND_INFO.find((c) => c.id === id)
    return {
      label: info?.label ?? id,
      ...(info?.accelerator ? { accelerator: info.accelerator } : {}),
      click: () => run(id)
    }
  }
  const template: MenuItemConstructorOptions[] = [
    { label: 'Icebox', submenu: [{ role: 'quit' }] },
    {
      label: 'Process',
      submenu: [item('freeze'), item('details'), { type: 'separator' }, item('show-snapshots')]
    },
    {
      label: 'View',
      submenu: [
        item('refresh'),
        item('toggle-pause'),
        { type: 'separator' },
        item('expand-all'),
        item('collapse-all')
      ]
    }
  ]
  Menu.setApplicationMenu(Menu.buildFromTemplate(template))
}
