/** Builds the store over the Api, adopts the list already requested, and renders the app. */
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'

import type { ProcessList } from '../../electron/common/api-types'
import type { Api } from '../../electron/common/contract'
import { App } from './app'
import { createAppStore, StoreProvider, type AppStore } from './store/create-store'

/** Renders into `root`; `firstList` is the processes.list call main.tsx started. */
export function boot(root: HTMLElement, api: Api, firstList: Promise<ProcessList>): AppStore {
  const store = createAppStore(api)
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
