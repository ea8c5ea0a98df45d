/** The planner's store lookups for one pipeline, batched per page (the daemon and `syncd test`). */
import { getFieldBasesForLinks } from '../state/fieldBases.js';
import { findLinksByLocalKeys, findLinksByRemoteIds } from '../state/links.js';
import { inFlightPayloads } from '../state/outbox/queries.js';
import { rejectedPairs } from '../state/reviewQueue.js';
import type { Scope } from '../state/scope.js';
import type { PlanContext, PlanLookups } from './planner.js';

export function storeLookups(scope: Scope, ctx: Pick<PlanContext, 'pipeline' | 'orientation'>): PlanLookups {
  const { orientation } = ctx;
  return {
    linksBySourceKey: (keys) =>
      orientation.sourceIsLocal
        ? findLinksByLocalKeys(scope, orientation.localObject, keys, orientation.remote)
        : findLinksByRemoteIds(scope, orientation.remote, keys, orientation.localObject),
    bases: (ids) => getFieldBasesForLinks(scope, ids),
    inFlight: (recordKeys) => inFlightPayloads(scope, ctx.pipeline, recordKeys),
    rejectedMatches: (localKeys) => rejectedPairs(scope, orientation.localObject, localKeys, orientation.remote),
    linksByRemoteIds: (ids) => findLinksByRemoteIds(scope, orientation.remote, ids, orientation.localObject),
    linksByLocalKeys: (keys) => findLinksByLocalKeys(scope, orientation.localObject, keys, orientation.remote),
    referencedIds: async (reference, keys) => {
      const links = await findLinksByLocalKeys(scope, reference.localObject, keys, reference.remote);
      return new Map([...links].map(([key, link]) => [key, link.remote.id]));
    },
  };
}
