/**
 * Why `icebox serve` could not listen, in words a person can act on: the errors of bind(2) and
 * of the host name's lookup are expected situations, not bugs in Icebox.
 */
import { AppError } from '../common/errors'

/** The AppError for a failed listen on host:port, or `err` itself when it is not one we know. */
export function listenError(err: unknown, host: string, port: number): unknown {
  const code = (err as NodeJS.ErrnoException | null)?.code
  const detail = err instanceof Error ? err.message : String(err)
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`
  switch (code) {
    case 'EADDRINUSE':
      return new AppError({
        code: 'UNAVAILABLE',
        message: `Port ${port} on ${host} is already in use.`,
        why: 'Another program listens on it; it may be another icebox serve (7420 is the default port).',
        remedy:
          'Stop that program, or choose another port: --port N, or --port 0 for any free port.',
        detail
      })
    case 'EACCES':
      return new AppError({
        code: 'PERMISSION_DENIED',
        message: `Not allowed to listen on ${where}.`,
        why: 'Ports below 1024 need root or the CAP_NET_BIND_SERVICE capability.',
        remedy: 'Choose a port of 1024 or more with --port N, or --port 0 for any free port.',
        detail
      })
    case 'EADDRNOTAVAIL':
      return new AppError({
        code: 'BAD_INPUT',
        message: `${host} is not an address of this machine.`,
        why: 'A server can only listen on an address that one of its network interfaces has.',
        remedy: 'Leave --host out (127.0.0.1), or give an address that `ip address` lists.',
        detail
      })
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NODATA':
    case 'EAI_NONAME':
      return new AppError({
        code: 'BAD_INPUT',
        message: `The host name "${host}" does not resolve to an address.`,
        why:
          code === 'EAI_AGAIN'
            ? 'The name server did not answer in time.'
            : 'No name server or hosts file knows that name.',
        remedy: 'Check the spelling of --host, or give an address such as 127.0.0.1.',
        detail
      })
    default:
      return err
  }
}
