import { render } from '@testing-library/react'

import { createMemoryTransport } from '../../../electron/common/api-memory'
import { createApi } from '../../../electron/common/client'
import { createDispatcher } from '../../../electron/common/dispatch'
import { App } from '../../../renderer/src/app'
import {
  createAppStore,
  StoreProvider,
  type AppStore
} from '../../../renderer/src/store/create-store'
import { createFakeBackend, type FakeBackend } from '../../e2e/support/fake-handlers'
import type { ProcessRow } from '../../../electron/common/api-types'

/** A store over the fake backend, through the real client, dispatcher and JSON transport. */
export function makeStore(rows: ProcessRow[]): { store: AppStore; backend: FakeBackend } {
  const backend = createFakeBackend(rows)
  const { transport } = createMemoryTransport(createDispatcher(backend.handlers))
  return { store: createAppStore(createApi(transport)), backend }
}

/** Renders the whole app over a store. */
export function renderApp(store: AppStore) {
  return render(
    <StoreProvider store={store}>
      <App store={store} />
    </StoreProvider>
  )
}
