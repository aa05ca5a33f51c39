/**
 * Entry point, kept tiny on purpose: it connects to the core and asks for the process list
 * first (a first screen of rows, then the whole list), then loads React and the app (boot.tsx)
 * while the lists are on their way, so the scan, the transfer and the bundle's download and
 * compile overlap instead of running one after another.
 */
import type { ProcessList } from '../../electron/common/api-types'
import { createApi } from '../../electron/common/client'
import type { Result } from '../../electron/common/contract'
import { FIRST_SCREEN_ROWS, firstScreenUrl } from '../../electron/common/first-screen'
import { unpackFromWire } from '../../electron/common/row-codec'
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
const askFirstScreen = (): Promise<ProcessList> =>
  api['processes.list']({ firstRows: FIRST_SCREEN_ROWS })
// Under `icebox serve` the first screen is a plain GET the page's Link header already started;
// anything short of a good answer asks again over the transport (which reports errors).
const firstScreen = window.icebox
  ? askFirstScreen()
  : fetch(firstScreenUrl(new URLSearchParams(location.search).get('token')))
      .then((r) => (r.ok ? (r.json() as Promise<Result<unknown>>) : Promise.reject(new Error())))
      .then((r) =>
        r.ok ? (unpackFromWire('processes.list', r.value) as ProcessList) : askFirstScreen()
      )
      .catch(askFirstScreen)
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
