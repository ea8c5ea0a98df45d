/**
 * A rate budget kept in the state store, so that every worker sharing a PostgreSQL store and a
 * connection draws on one budget (DESIGN §4). Each call is one short transaction over one bucket
 * row: lock it, apply the connector's bucket arithmetic (the same pure functions as the in-memory
 * backend), write it back. Workers queue on the row for a few milliseconds, never for the wait
 * the grant imposes: a grant is a reserved time slot, slept on after the commit.
 *
 * A connection's `Retry-After` pause is the reserved bucket `__pause` of that connection,
 * `{ "until": <epoch ms> }`. Acquiring reads it inside the bucket's transaction without locking
 * it, so buckets of one connection do not queue on each other; a pause committed a moment after
 * that read is still honoured, because the rate budget checks the pause again before sending.
 *
 * Times are the calling worker's clock: workers sharing a store need synchronised clocks (NTP),
 * as they do for leases.
 */
import type { BucketCorrection, BucketPolicy, BudgetBackend, Grant } from '../connectors/budget/backend.js';
import { acquireBucket, correctBucket, extendPause, pausedGrant, type BucketState } from '../connectors/budget/buckets.js';
import { budgetTransaction, lockBudgetState, readBudgetState, saveBudgetState, updateBudgetState } from '../state/rateBudgets.js';
import type { Store } from '../state/store.js';

/** The bucket name holding a connection's pause; no budget bucket may take it. */
export const PAUSE_BUCKET = '__pause';

interface PauseState {
  until: number;
}

function bucketKey(connection: string, bucket: string): { connection: string; bucket: string } {
  if (bucket === PAUSE_BUCKET) throw new Error(`the bucket name ${PAUSE_BUCKET} is reserved for the connection's pause`);
  return { connection, bucket };
}

/** The budgets of `tenant`'s connections, kept in `store`. */
export function createStoreBudgetBackend(store: Store, tenant: string): BudgetBackend {
  const scope = store.forTenant(tenant);
  return {
    async acquire(connection: string, bucket: string, policy: BucketPolicy, cost: number, now: number): Promise<Grant> {
      const key = bucketKey(connection, bucket);
      return budgetTransaction(scope, async (tx) => {
        const state = await lockBudgetState<BucketState>(tx, key);
        const pause = await readBudgetState<PauseState>(tx, { connection, bucket: PAUSE_BUCKET });
        const paused = pausedGrant(pause?.until ?? 0, now);
        if (paused) return paused;
        const step = acquireBucket(state, policy, cost, now);
        await saveBudgetState(tx, key, step.state);
        return step.result;
      });
    },

    async correct(connection: string, bucket: string, policy: BucketPolicy, correction: BucketCorrection, now: number): Promise<void> {
      await updateBudgetState<BucketState, void>(scope, bucketKey(connection, bucket), (state) => ({
        state: correctBucket(state, policy, correction, now),
        result: undefined,
      }));
    },

    async pause(connection: string, until: number): Promise<void> {
      await updateBudgetState<PauseState, void>(scope, { connection, bucket: PAUSE_BUCKET }, (state) => ({
        state: { until: extendPause(state?.until ?? 0, until) },
        result: undefined,
      }));
    },

    async pausedUntil(connection: string): Promise<number> {
      return (await readBudgetState<PauseState>(scope, { connection, bucket: PAUSE_BUCKET }))?.until ?? 0;
    },
  };
}
