/** The per-scan facts every process read shares (read-process.ts ReadContext), gathered once. */
import type { MappedDevice } from '../../common/model'
import type { RawWhat } from './raw'
import { readNamespaceInodes, type ReadContext } from './read-process'
import { readBootTime, unitFacts, userNames } from './system'

/** A fresh ReadContext for a scan of `procRoot` that reads `raw` of each process. */
export function newReadContext(procRoot: string, raw: RawWhat): ReadContext {
  const { clkTck, pageSize } = unitFacts()
  return {
    procRoot,
    bootTime: readBootTime(procRoot),
    clkTck,
    pageSize,
    users: userNames(),
    selfNs: readNamespaceInodes(`${procRoot}/self`),
    deviceCache: new Map<string, MappedDevice | null>(),
    raw
  }
}
