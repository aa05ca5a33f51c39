/**
 * `icebox serve` that cannot listen says why and what to do, instead of "This is a bug in
 * Icebox": the CLI prints an AppError's three lines as they are.
 */
import { createServer, type Server } from 'node:net'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createDispatcher } from '../../../electron/common/dispatch'
import type { Handlers } from '../../../electron/common/contract'
import { AppError, formatError, toErrorData } from '../../../electron/common/errors'
import { startServer } from '../../../electron/server/serve'

const serve = (host: string, port: number): Promise<unknown> =>
  startServer({
    host,
    port,
    allowRemote: true,
    staticDir: '/nonexistent',
    dispatch: createDispatcher({} as Handlers)
  }).then(
    (s) => s.close().then(() => 'listened'),
    (err: unknown) => err
  )

describe('icebox serve cannot listen', () => {
  let taken: Server
  let port = 0
  beforeAll(async () => {
    taken = createServer()
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()))
    port = (taken.address() as { port: number }).port
  })
  afterAll(() => new Promise<void>((r) => taken.close(() => r())))

  it('says a port in use is in use, and how to pick another', async () => {
    const err = await serve('127.0.0.1', port)
    expect(err).toBeInstanceOf(AppError)
    const text = formatError(toErrorData(err))
    expect(text).toContain(`Port ${port} on 127.0.0.1 is already in use.`)
    expect(text).toMatch(/another icebox serve/)
    expect(text).toMatch(/--port 0 for any free port/)
    expect(text).not.toMatch(/bug/)
  })

  it('says a host name that does not resolve does not resolve', async () => {
    const err = await serve('nosuch.invalid', 0)
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).code).toBe('BAD_INPUT')
    const text = formatError(toErrorData(err))
    expect(text).toContain('The host name "nosuch.invalid" does not resolve to an address.')
    expect(text).toMatch(/Check the spelling of --host/)
    expect(text).not.toMatch(/bug/)
  })

  it('says an address of another machine is not one of ours', async () => {
    // 192.0.2.0/24 is TEST-NET-1: never assigned to an interface here.
    const err = await serve('192.0.2.1', 0)
    expect(err).toBeInstanceOf(AppError)
    expect(formatError(toErrorData(err))).toContain('192.0.2.1 is not an address of this machine.')
  })
})
