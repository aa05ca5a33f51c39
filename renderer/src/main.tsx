/** Entry point: pick the transport, build the Api and the store, render the app. */
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'

import { createApi } from '../../electron/common/client'
import { pickTransport } from './api/pick-transport'
import { createWsTransport } from './api/ws-transport'
import { App } from './app'
import { createAppStore, StoreProvider } from './store/create-store'
import './styles/app.css'

let store: ReturnType<typeof createAppStore> | null = null
const transport = pickTransport((url) =>
  createWsTransport(url, (connected) => store?.getState().setConnected(connected))
)
const api = createApi(transport)
store = createAppStore(api)
void store.getState().refresh()

const root = document.getElementById('root')
if (root) {
  createRoot(root).render(
    <StrictMode>
      <StoreProvider store={store}>
        <App store={store} api={api} />
      </StoreProvider>
    </StrictMode>
  )
}
