/**
 * What happens to claimed writes after an attempt. Each acts on `in_flight` rows only, so a
 * worker whose claim expired and was taken over cannot move a row another worker already settled.
 */
import { IDS_PER_STATEMENT, ROWS_PER_STATEMENT, chunks } from '../batching.js';
import type { Scope } from '../scope.js';
import { tables } from '../tables.js';
import { clipError, outboxRowFrom } from './rows.js';
import type { Knex } from 'knex';
import { toJson } from '../columns.js';
import { placeholders, runRaw } from '../raw.js';

export interface AttemptError {
  /** transient / auth / mapping / conflict, or a connector's finer class. */
  errorClass: string;
  /** A message for operators: never a secret, token or request body with credentials. */
  error?: string;
}

async function updateClaimed(scope: Scope, ids: readonly number[], patch: Record<string, unknown>, worker?: string): Promise<number> {
  const fields = { ...patch, updated_at: scope.now() };
  const set = Object.keys(fields).map((k) => `${k} = ?`).join(', ');
  // The rows are looked up by id. Left to choose, each store's planner scans the tenant's
  // in-flight rows through the due-rows index instead (about twice as slow at 200 rows on
  // PostgreSQL, where that index keeps the entries of every row that has left flight until a
  // vacuum); `+x` on SQLite and `x || ''` on PostgreSQL keep a column's condition off any index.
  const [pre, post] = scope.dialect === 'sqlite' ? ['+', ''] : ['', " || ''"];
  const holder = worker === undefined ? '' : ` and ${pre}claimed_by${post} = ?`;
  let changed = 0;
  // Written out rather than built: this runs once per delivered batch, on the hot path.
  for (const part of chunks(ids, IDS_PER_STATEMENT)) {
    const { count } = await runRaw(
      scope,
      `update ${tables.outbox} set ${set} where ${pre}tenant${post} = ? and ${pre}status${post} = 'in_flight'${holder} and id in (${placeholders(part.length)})`,
      [...Object.values(fields), scope.tenant, ...(worker === undefined ? [] : [worker]), ...part],
    );
    changed += count;
  }
  return changed;
}

/**
 * Marks writes as done; returns how many rows changed. Given a `worker`, only rows that worker
 * still holds: the late answer of a claim another worker has taken over leaves the row to it.
 */
export async function completeOutbox(scope: Scope, ids: readonly number[], worker?: string): Promise<number> {
  return updateClaimed(scope, ids, { status: 'done', claimed_by: null, claimed_until: null, last_error_class: null, last_error: null }, worker);
}

/**
 * Of these claimed rows, the ids whose claim this worker no longer holds: settled, or taken over
 * (by another worker, or by a later claim of its own once this one ran out). On PostgreSQL the
 * rows still held stay locked to the end of the transaction, so no claim takes them over between
 * this read and their settlement.
 */
export async function claimsLost(scope: Scope, claims: ReadonlyArray<{ id: number; claimedUntil: number | null }>, worker: string): Promise<Set<number>> {
  const until = new Map(claims.map((c) => [c.id, c.claimedUntil]));
  const lost = new Set(until.keys());
  const lock = scope.dialect === 'postgres' ? ' for update' : '';
  for (const part of chunks([...until.keys()], IDS_PER_STATEMENT)) {
    const { rows } = await runRaw<{ id: unknown; claimed_until: unknown }>(
      scope,
      `select id, claimed_until from ${tables.outbox} where tenant = ? and status = 'in_flight' and claimed_by = ? and id in (${placeholders(part.length)})${lock}`,
      [scope.tenant, worker, ...part],
    );
    for (const r of rows) if (Number(r.claimed_until) === until.get(Number(r.id))) lost.delete(Number(r.id));
  }
  return lost;
}

/**
 * Puts writes back to `pending`, due `delayMs` after `from` (the caller computes backoff and
 * jitter). Writes settled together pass one `from`, so they come due in the same millisecond and
 * are claimed together again.
 */
export async function retryLater(scope: Scope, ids: readonly number[], delayMs: number, why: AttemptError, from = scope.now()): Promise<number> {
  return updateClaimed(scope, ids, {
    status: 'pending',
    next_attempt_at: from + Math.max(0, Math.floor(delayMs)),
    claimed_by: null,
    claimed_until: null,
    last_error_class: why.errorClass,
    last_error: clipError(why.error),
  });
}

/**
 * These writes will never be sent: a newer write of each record now carries their changes (they
 * were to be sent again: retried, or parked for a reconnect). Returns how many rows changed.
 */
export async function supersedeClaimed(scope: Scope, ids: readonly number[]): Promise<number> {
  return updateClaimed(scope, ids, { status: 'superseded', claimed_by: null, claimed_until: null });
}

/**
 * Claimed writes that were never sent (a worker stopping with writes handed to it still queued,
 * or handed writes whose claim ran too short to send them on) go back to `pending`, due now,
 * without counting the attempt. Only this worker's claims move.
 */
export async function releaseClaimed(scope: Scope, ids: readonly number[], worker: string): Promise<number> {
  const now = scope.now();
  let changed = 0;
  for (const part of chunks(ids, IDS_PER_STATEMENT)) {
    const { count } = await runRaw(
      scope,
      `update ${tables.outbox} set status = 'pending', attempts = attempts - 1, next_attempt_at = ?, claimed_by = null, claimed_until = null, updated_at = ?
       where tenant = ? and status = 'in_flight' and claimed_by = ? and id in (${placeholders(part.length)})`,
      [now, now, scope.tenant, worker, ...part],
    );
    changed += count;
  }
  return changed;
}

/** Terminal failure of these records (mapping, conflict): never retried. */
export async function failOutbox(scope: Scope, ids: readonly number[], why: AttemptError): Promise<number> {
  return updateClaimed(scope, ids, {
    status: 'failed',
    claimed_by: null,
    claimed_until: null,
    last_error_class: why.errorClass,
    last_error: clipError(why.error),
  });
}

/**
 * Retries exhausted: the writes become dead letters (replayable with `replayDeadLetters`). The
 * outbox rows stay, as `dead`, so their idempotency keys keep blocking duplicate enqueues.
 * Returns the dead letter ids.
 */
export async function moveToDeadLetter(scope: Scope, ids: readonly number[], why: AttemptError): Promise<number[]> {
  return scope.transaction(async (tx) => {
    const created: number[] = [];
    const now = tx.now();
    // Rows per statement, not ids: each chunk is inserted into the dead letter queue as well.
    for (const part of chunks(ids, ROWS_PER_STATEMENT)) {
      const q = tx.db(tables.outbox).where({ tenant: tx.tenant, status: 'in_flight' }).whereIn('id', part);
      // Lock the rows so a concurrent outcome for the same ids waits and then finds them dead.
      if (tx.dialect === 'postgres') (q as Knex.QueryBuilder).forUpdate();
      const rows = (await q).map((r: Record<string, unknown>) => outboxRowFrom(tx.dialect, r));
      if (rows.length === 0) continue;
      await tx
        .db(tables.outbox)
        .where({ tenant: tx.tenant })
        .whereIn('id', rows.map((r) => r.id))
        .update({
          status: 'dead',
          claimed_by: null,
          claimed_until: null,
          last_error_class: why.errorClass,
          last_error: clipError(why.error),
          updated_at: now,
        });
      const inserted: Array<{ id: unknown }> = await tx
        .db(tables.deadLetters)
        .insert(
          rows.map((r) => ({
            tenant: tx.tenant,
            outbox_id: r.id,
            idempotency_key: r.idempotencyKey,
            pipeline: r.pipeline,
            connection: r.connection,
            operation: r.operation,
            object: r.object,
            record_key: r.recordKey,
            payload: toJson(r.payload),
            content_version: r.contentVersion,
            correlation_id: r.correlationId,
            attempts: r.attempts,
            error_class: why.errorClass,
            error: clipError(why.error),
            status: 'open',
            dead_at: now,
          })),
        )
        .returning(['id']);
      created.push(...inserted.map((r) => Number(r.id)));
    }
    return created;
  });
}
