/** Builds the store over the Api, adopts the list already requested, and renders the app. */
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'

import type { ProcessList } from '../../electron/common/api-types'
import type { Api } from '../../electron/common/contract'
import { App } from './app'
import { createAppStore, StoreProvider, type AppStore } from './store/create-store'

/** Renders into `root`; `firstList` and `firstScreen` are the calls main.tsx started. */
export function boot(
  root: HTMLElement,
  api: Api,
  firstList: Promise<ProcessList>,
  firstScreen: Promise<ProcessList>
): AppStore {
  performance.mark('icebox:boot')
  const store = createAppStore(api)
  firstScreen.then((l) => store.getState().showFirstScreen(l)).catch(() => undefined)
  void store.getState().refresh(firstList)
  createRoot(root).render(
    <StrictMode>
      <StoreProvider store={store}>
        <App store={store} api={api} />
      </StoreProvider>
    </StrictMode>
  )
  return store
}
