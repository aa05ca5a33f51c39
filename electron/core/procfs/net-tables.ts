/**
 * Loads the /proc/net socket tables of one network namespace. /proc/net is the reader's own
 * namespace; a process in another one is looked up through /proc/PID/net, read once per
 * namespace.
 */
import { IoFailure, readText } from './io'
import {
  parseInetTable,
  parseLastColumnInodeTable,
  parseUnixTable,
  type InetProto,
  type NetSocket
} from './parse-net'

const INET: readonly InetProto[] = ['tcp', 'tcp6', 'udp', 'udp6', 'raw', 'raw6']
const LAST_COLUMN = ['netlink', 'packet'] as const

/** Every table loadNetTables reads, by file name under the net directory. */
export const NET_TABLES: readonly string[] = [...INET, 'unix', ...LAST_COLUMN]

/**
 * Every socket of the namespace whose tables live in `netDir` ("/proc/net" or "/proc/PID/net"),
 * added to `into`. `read` gives a table's text (default: read it now; a worker thread may have
 * read it already, see parallel.ts).
 */
export function loadNetTables(
  netDir: string,
  into = new Map<number, NetSocket>(),
  read: (name: string) => string | IoFailure = (name) => readText(`${netDir}/${name}`)
): Map<number, NetSocket> {
  for (const proto of INET) {
    const text = read(proto)
    if (!(text instanceof IoFailure)) parseInetTable(text, proto, into)
  }
  const unix = read('unix')
  if (!(unix instanceof IoFailure)) parseUnixTable(unix, into)
  for (const proto of LAST_COLUMN) {
    const text = read(proto)
    if (!(text instanceof IoFailure)) parseLastColumnInodeTable(text, proto, into)
  }
  return into
}
