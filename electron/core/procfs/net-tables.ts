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

/** Every socket of the namespace whose tables live in `netDir` ("/proc/net" or "/proc/PID/net"). */
export function loadNetTables(netDir: string): Map<number, NetSocket> {
  const all = new Map<number, NetSocket>()
  for (const proto of INET) {
    const text = readText(`${netDir}/${proto}`)
    if (!(text instanceof IoFailure)) parseInetTable(text, proto, all)
  }
  const unix = readText(`${netDir}/unix`)
  if (!(unix instanceof IoFailure)) parseUnixTable(unix, all)
  for (const proto of ['netlink', 'packet'] as const) {
    const text = readText(`${netDir}/${proto}`)
    if (!(text instanceof IoFailure)) parseLastColumnInodeTable(text, proto, all)
  }
  return all
}
