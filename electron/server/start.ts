/**
 * Wires the real core, the handlers and the server together (used by `icebox serve`).
 */
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import type { EmitEvent } from '../common/contract'
import { createDispatcher } from '../common/dispatch'
import { AppError } from '../common/errors'
import { createCoreDeps } from './core-deps'
import { createHandlers } from './handlers'
import { startServer, type RunningServer } from './serve'

export interface StartServeOptions {
  host: string
  port: number
  allowRemote: boolean
  store?: string
  /** Where the built renderer is; defaults to dist/renderer next to the CLI bundle. */
  staticDir?: string
  log?: (line: string) => void
}

/**
 * dist/renderer next to dist/cli.mjs, seen from the bundle (dist/) or from its per-command
 * chunk (dist/cli-chunks/), or the repo's dist when run from source.
 */
export function defaultRendererDir(): string {
  const here = dirname(fileURLToPath(import.meta.url))
  for (const c of [
    join(here, 'renderer'),
    join(here, '..', 'renderer'),
    join(here, '..', 'dist', 'renderer'),
    join(here, '..', '..', 'dist', 'renderer')
  ]) {
    if (existsSync(join(c, 'index.html'))) return c
  }
  return join(here, 'renderer')
}

/** Starts `icebox serve` over the real core. */
export async function startIceboxServer(o: StartServeOptions): Promise<RunningServer> {
  const staticDir = o.staticDir ?? defaultRendererDir()
  if (!existsSync(join(staticDir, 'index.html'))) {
    throw new AppError({
      code: 'UNAVAILABLE',
      message: 'The web UI is not built.',
      why: `${staticDir}/index.html is missing.`,
      remedy: 'Run `npm run build` first.'
    })
  }
  let server: RunningServer | null = null
  const emit: EmitEvent = (name, payload) => server?.broadcast(name, payload)
  const log = o.log ?? (() => {})
  const handlers = createHandlers(createCoreDeps(o.store ? { store: o.store } : {}), emit, {
    onWatchError: (err) => log(`icebox serve: live scan failed: ${String(err)}`)
  })
  const dispatch = createDispatcher(handlers, (method, err) =>
    log(
      `icebox serve: internal error in ${method}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`
    )
  )
  const running = await startServer({
    host: o.host,
    port: o.port,
    allowRemote: o.allowRemote,
    staticDir,
    dispatch,
    log
  })
  server = running
  return {
    ...running,
    async close() {
      handlers.live.stop()
      await running.close()
    }
  }
}
