import { IDS_PER_STATEMENT, ROWS_PER_STATEMENT, chunks } from '../batching.js';
import { bulkInsert } from '../bulkInsert.js';
import { toJson, toNumber } from '../columns.js';
import { placeholders, runRaw } from '../raw.js';
import { releaseClaimed } from './outcomes.js';
import type { Scope } from '../scope.js';
import { tables } from '../tables.js';

/** The columns an outbox insert writes, in the order its values are given (enqueue, replay). */
export const OUTBOX_COLUMNS = [
  'tenant',
  'idempotency_key',
  'pipeline',
  'connection',
  'operation',
  'object',
  'record_key',
  'payload',
  'content_version',
  'correlation_id',
  'status',
  'attempts',
  'next_attempt_at',
  'created_at',
  'updated_at',
  'claimed_by',
  'claimed_until',
  'on_trail',
] as const;

export interface OutboxWrite {
  /** Unique per tenant; see deriveIdempotencyKey. A key already in the outbox is not enqueued again. */
  idempotencyKey: string;
  pipeline: string;
  connection: string;
  /** The connector operation, e.g. `upsert`, `create`, `update`, `delete`. */
  operation: string;
  /** The target object, e.g. `deal`. */
  object?: string;
  recordKey: string;
  /**
   * What the write sends, opaque to the store but for two members the audit trail lists as the
   * write's `write.intent` entry: `values` (its after values) and `intent` (`{ before, decision }`).
   */
  payload: unknown;
  contentVersion: string;
  correlationId?: string;
  /** Not to be attempted before this time (epoch ms). @defaultValue now */
  notBefore?: number;
  /**
   * Inserted already claimed, for a worker that delivers the write itself straight after the
   * commit: `in_flight` with one attempt, until `until` (another worker, or this one once the
   * claim expired, takes it over like any claim). A write whose record has another write in
   * flight is inserted waiting instead (`EnqueueResult.unclaimed`); the caller gives at most one
   * claimed write per record and makes sure the connection is not paused.
   */
  claim?: { worker: string; until: number };
}

export interface EnqueueResult {
  /** Rows created now, in input order. */
  inserted: Array<{ id: number; idempotencyKey: string }>;
  /** Keys that were already in the outbox (or repeated within this call). */
  duplicates: string[];
  /** Older writes of the same records that were still waiting, now replaced by the new ones. */
  superseded: SupersededWrite[];
  /** Keys of writes given with a claim that were left waiting: another write of the record is in flight. */
  unclaimed: string[];
}

export interface SupersededWrite {
  id: number;
  pipeline: string;
  recordKey: string;
  idempotencyKey: string;
  connection: string;
  correlationId: string | null;
  /** The key of the write that replaces it. */
  supersededBy: string;
}

/**
 * Adds writes to the outbox, ignoring those whose idempotency key is already there. Inserts in
 * chunks of several hundred rows per statement; call it inside `transaction()` together with
 * `commitCursor` so the cursor never runs ahead of the rows.
 *
 * A new write of a record supersedes the record's older writes still waiting (`pending` or
 * `waiting_auth`): the new one was planned from the same agreed base, so it carries every change
 * the older ones did, and sending both would put two versions of one record in flight at once
 * (in one batch, which vendors refuse, or in two, which may arrive out of order). An older write
 * already in flight is left alone; `claimBatch` holds the new one back until it settles.
 */
export async function enqueueOutbox(scope: Scope, writes: readonly OutboxWrite[]): Promise<EnqueueResult> {
  const result: EnqueueResult = { inserted: [], duplicates: [], superseded: [], unclaimed: [] };
  if (writes.length === 0) return result;
  const now = scope.now();
  const run = async (db: Scope) => {
    const claimed: Inserted[] = [];
    for (const chunk of chunks(writes, ROWS_PER_STATEMENT)) {
      const returned = await bulkInsert<OutboxWrite, { id: unknown; idempotency_key: string }>(
        db,
        {
          table: tables.outbox,
          columns: OUTBOX_COLUMNS,
          values: (w) => [
            db.tenant,
            w.idempotencyKey,
            w.pipeline,
            w.connection,
            w.operation,
            w.object ?? null,
            w.recordKey,
            toJson(w.payload),
            w.contentVersion,
            w.correlationId ?? null,
            w.claim ? 'in_flight' : 'pending',
            w.claim ? 1 : 0,
            w.claim ? w.claim.until : (w.notBefore ?? now),
            now,
            now,
            w.claim?.worker ?? null,
            w.claim?.until ?? null,
            // The row is its write's `write.intent` entry on the audit trail (see audit.ts).
            1,
          ],
          onConflict: 'on conflict (tenant, pipeline, record_key, idempotency_key) do nothing',
          returning: 'id, idempotency_key',
        },
        chunk,
      );
      const ids = new Map(returned.map((r) => [r.idempotency_key, toNumber(r.id)]));
      const newest = new Map<string, Inserted>();
      for (const w of chunk) {
        const id = ids.get(w.idempotencyKey);
        if (id === undefined) {
          result.duplicates.push(w.idempotencyKey);
        } else {
          result.inserted.push({ id, idempotencyKey: w.idempotencyKey });
          ids.delete(w.idempotencyKey);
          newest.set(`${w.pipeline}\u0000${w.recordKey}`, { write: w, id });
          if (w.claim) claimed.push({ write: w, id });
        }
      }
      if (newest.size) result.superseded.push(...(await supersedeOlder(db, [...newest.values()])));
    }
    if (claimed.length) result.unclaimed.push(...(await unclaimContested(db, claimed)));
  };
  // Inserts and supersessions commit together, so a caller outside a transaction still gets all-or-nothing.
  if (scope.inTransaction) await run(scope);
  else await scope.transaction(run);
  return result;
}

/** A write just inserted, with its row id. */
type Inserted = { write: OutboxWrite; id: number };

function byPipeline(rows: readonly Inserted[]): Map<string, Inserted[]> {
  const out = new Map<string, Inserted[]>();
  for (const r of rows) {
    const list = out.get(r.write.pipeline);
    if (list) list.push(r);
    else out.set(r.write.pipeline, [r]);
  }
  return out;
}

/** Marks the waiting writes of these records older than their newest as `superseded`. */
async function supersedeOlder(scope: Scope, newest: readonly Inserted[]): Promise<SupersededWrite[]> {
  const out: SupersededWrite[] = [];
  for (const [pipeline, list] of byPipeline(newest)) {
    const keyOf = new Map(list.map((n) => [n.write.recordKey, n.write.idempotencyKey]));
    // The newest ids are the largest of their records: everything else waiting for them is older.
    const { rows } = await runRaw<{ id: unknown; record_key: string; idempotency_key: string; connection: string; correlation_id: string | null }>(
      scope,
      `update ${tables.outbox} set status = 'superseded', claimed_by = null, claimed_until = null, updated_at = ?
       where tenant = ? and pipeline = ? and record_key in (${placeholders(list.length)})
         and status in ('pending', 'waiting_auth') and id not in (${placeholders(list.length)})
       returning id, record_key, idempotency_key, connection, correlation_id`,
      [scope.now(), scope.tenant, pipeline, ...list.map((n) => n.write.recordKey), ...list.map((n) => n.id)],
    );
    for (const r of rows) {
      out.push({
        id: toNumber(r.id),
        pipeline,
        recordKey: r.record_key,
        idempotencyKey: r.idempotency_key,
        connection: r.connection,
        correlationId: r.correlation_id ?? null,
        supersededBy: keyOf.get(r.record_key) as string,
      });
    }
  }
  return out;
}

/**
 * Gives back the claims of just-inserted writes whose record has another write in flight, so
 * that versions of a record never travel at once: they wait in the outbox, where a claim takes
 * them once the older write settles. Returns their keys.
 *
 * This runs after every `supersedeOlder` of the call, in the same transaction, which closes the
 * race with other workers sharing a PostgreSQL store: a worker that claimed an older write of the
 * record either committed before the supersession reached that row (and this later statement
 * sees the claim), or held its lock, so the supersession waited for its commit (and this
 * statement sees it too), or came after the supersession locked the row, and skipped it.
 */
async function unclaimContested(scope: Scope, claimed: readonly Inserted[]): Promise<string[]> {
  const out: string[] = [];
  const parts = [...byPipeline(claimed)].flatMap(([pipeline, all]) => chunks(all, IDS_PER_STATEMENT).map((list) => ({ pipeline, list })));
  // A page of up to 1,000 writes is one statement (each record's key and its claimed row's id).
  for (const { pipeline, list } of parts) {
    const { rows } = await runRaw<{ record_key: string }>(
      scope,
      `select distinct record_key from ${tables.outbox} where tenant = ? and pipeline = ? and record_key in (${placeholders(list.length)})
         and status = 'in_flight' and id not in (${placeholders(list.length)})`,
      [scope.tenant, pipeline, ...list.map((c) => c.write.recordKey), ...list.map((c) => c.id)],
    );
    if (rows.length === 0) continue;
    const busy = new Set(rows.map((r) => r.record_key));
    const contested = list.filter((c) => busy.has(c.write.recordKey));
    // Given back as a claim that was never sent: waiting, due now, at no attempt.
    for (const worker of new Set(contested.map((c) => c.write.claim?.worker as string))) {
      await releaseClaimed(scope, contested.filter((c) => c.write.claim?.worker === worker).map((c) => c.id), worker);
    }
    out.push(...contested.map((c) => c.write.idempotencyKey));
  }
  return out;
}
