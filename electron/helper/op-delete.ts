/** The `delete` operation: the caller's own snapshot, by id, moved away atomically then removed. */
import type { DeleteRequest, DeleteResult } from '../core/privilege/protocol'
import { ownSnapshotDir } from './op-restore'
import { deleteSnapshotDir, ownerTag, type StoreLayout } from './store'
import type { UserInfo } from './users'

export function deleteOp(req: DeleteRequest, user: UserInfo, l: StoreLayout): DeleteResult {
  ownSnapshotDir(l, user.uid, req.id)
  deleteSnapshotDir(l, user.uid, req.id, ownerTag())
  return { op: 'delete', id: req.id }
}
