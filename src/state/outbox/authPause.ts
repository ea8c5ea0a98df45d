/**
 * Auth failures never drop work: a connection's writes wait as `waiting_auth` until it is
 * reconnected, then go back to `pending` with their attempts intact. Normally called through
 * `markNeedsReconnect` / `markReconnected` (connections.ts), which also stop new claims.
 */
import { IDS_PER_STATEMENT, chunks } from '../batching.js';
import type { Scope } from '../scope.js';
import { tables } from '../tables.js';

/**
 * Parks the connection's pending writes, plus the in-flight ones listed in `inFlightIds` (the
 * batch that just met the 401). Other in-flight rows are left to their workers. Returns the count.
 */
export async function pauseForAuth(scope: Scope, connection: string, inFlightIds: readonly number[] = []): Promise<number> {
  const now = scope.now();
  const patch = { status: 'waiting_auth', claimed_by: null, claimed_until: null, updated_at: now };
  let changed = await scope.db(tables.outbox).where({ tenant: scope.tenant, connection, status: 'pending' }).update(patch);
  for (const part of chunks(inFlightIds, IDS_PER_STATEMENT)) {
    changed += await scope
      .db(tables.outbox)
      .where({ tenant: scope.tenant, connection, status: 'in_flight' })
      .whereIn('id', part)
      .update(patch);
  }
  return changed;
}

/** Puts the connection's waiting writes back in line, due now. Returns the count. */
export async function resumeConnection(scope: Scope, connection: string): Promise<number> {
  const now = scope.now();
  return scope
    .db(tables.outbox)
    .where({ tenant: scope.tenant, connection, status: 'waiting_auth' })
    .update({ status: 'pending', next_attempt_at: now, updated_at: now });
}
