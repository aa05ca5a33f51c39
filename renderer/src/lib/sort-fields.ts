/**
 * The row fields each sortable column reads (process-columns' sort keys), so a change set that
 * touches none of the sorted fields can keep the tree order it had.
 */
import type { ProcessRow } from '../../../electron/common/api-types'

const COLUMN_FIELDS: Record<string, ReadonlyArray<keyof ProcessRow>> = {
  name: ['name'],
  pid: ['pid'],
  user: ['user'],
  state: ['state'],
  started: ['startTicks'],
  memory: ['rssBytes'],
  threads: ['threads'],
  resources: ['counts'],
  verdict: ['verdict']
}

/** True when sorting by `columns` reads one of `fields`; an unknown column counts as touched. */
export function sortTouches(
  columns: ReadonlyArray<{ id: string }>,
  fields: ReadonlySet<keyof ProcessRow>
): boolean {
  return columns.some((c) => (COLUMN_FIELDS[c.id] ?? [...fields]).some((f) => fields.has(f)))
}
