/**
 * Entry point, kept tiny on purpose: it connects to the core and asks for the process list
 * first (a first screen of rows, then the whole list), then loads React and the app (boot.tsx)
 * while the lists are on their way, so the scan, the transfer and the bundle's download and
 * compile overlap instead of running one after another.
 */
import { createApi } from '../../electron/common/client'
import { pickTransport } from './api/pick-transport'
import { createWsTransport } from './api/ws-transport'
import './styles/app.css'

performance.mark('icebox:script')
let connected = true
let onConnected: ((c: boolean) => void) | null = null
const transport = pickTransport((url) =>
  createWsTransport(url, (c) => {
    connected = c
    onConnected?.(c)
  })
)
const api = createApi(transport)
/** Rows of the first screen: a tall window's worth, with room for hidden kernel threads. */
const FIRST_ROWS = 120
const firstScreen = api['processes.list']({ firstRows: FIRST_ROWS })
const firstList = api['processes.list']()
// Handled by the store once it adopts the promises; this keeps an early failure from being
// reported as unhandled in the meantime.
firstScreen.catch(() => undefined)
firstList.catch(() => undefined)

void import('./boot').then(({ boot }) => {
  const root = document.getElementById('root')
  if (!root) return
  const store = boot(root, api, firstList, firstScreen)
  store.getState().setConnected(connected)
  onConnected = (c) => store.getState().setConnected(c)
})
