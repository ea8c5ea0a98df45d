/**
 * CRM records that events name but that are gone when read (deleted since, or the event was a
 * delete; a vendor answers the same for a record its user may no longer see): nothing is written
 * for them, and a record that is linked to a local row opens a
 * reconciliation item on that row, so an operator learns that the deal a quote is bound to no
 * longer exists instead of the binding pointing nowhere unnoticed. The link stays as it was: whether
 * to restore the CRM record, bind the row to another one or let it go is the operator's decision.
 */
import type { OpenItem } from '../state/reconciliation.js';
import type { PlanContext, PlanLookups } from './planner.js';

export async function deletedRecordItems(ctx: PlanContext, remoteIds: readonly string[], lookups: PlanLookups): Promise<OpenItem[]> {
  if (remoteIds.length === 0 || ctx.orientation.sourceIsLocal) return [];
  const { remote, localObject } = ctx.orientation;
  const links = await lookups.linksByRemoteIds([...remoteIds]);
  const items: OpenItem[] = [];
  for (const id of remoteIds) {
    const link = links.get(id);
    if (!link) continue;
    items.push({
      kind: 'conflict',
      pipeline: ctx.pipeline,
      recordKey: link.local.key,
      linkId: link.id,
      payload: {
        stage: 'deleted',
        message: `${remote.connector} ${remote.object} ${id}, linked to ${localObject} ${link.local.key}, no longer exists in ${remote.connector} (deleted, or no longer visible to syncd's user there)`,
        remoteId: id,
        action: `restore it in ${remote.connector} (its next change is synced again), or resolve this item once ${localObject} ${link.local.key} is bound to another record or retired`,
      },
      // A record deleted once is one item, however many events name it.
      dedupeKey: `deleted:${ctx.pipeline}:${id}`,
    });
  }
  return items;
}
