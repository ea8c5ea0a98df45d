import { ROWS_PER_STATEMENT, chunks } from '../batching.js';
import { bulkInsert } from '../bulkInsert.js';
import { toJson, toNumber } from '../columns.js';
import type { Scope } from '../scope.js';
import { tables } from '../tables.js';

const OUTBOX_COLUMNS = [
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
  payload: unknown;
  contentVersion: string;
  correlationId?: string;
  /** Not to be attempted before this time (epoch ms). @defaultValue now */
  notBefore?: number;
}

export interface EnqueueResult {
  /** Rows created now, in input order. */
  inserted: Array<{ id: number; idempotencyKey: string }>;
  /** Keys that were already in the outbox (or repeated within this call). */
  duplicates: string[];
}

/**
 * Adds writes to the outbox, ignoring those whose idempotency key is already there. Inserts in
 * chunks of several hundred rows per statement; call it inside `transaction()` together with
 * `commitCursor` so the cursor never runs ahead of the rows.
 */
export async function enqueueOutbox(scope: Scope, writes: readonly OutboxWrite[]): Promise<EnqueueResult> {
  const result: EnqueueResult = { inserted: [], duplicates: [] };
  if (writes.length === 0) return result;
  const now = scope.now();
  const run = async (db: Scope) => {
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
            'pending',
            0,
            w.notBefore ?? now,
            now,
            now,
          ],
          onConflict: 'on conflict (tenant, pipeline, record_key, idempotency_key) do nothing',
          returning: 'id, idempotency_key',
        },
        chunk,
      );
      const ids = new Map(returned.map((r) => [r.idempotency_key, toNumber(r.id)]));
      for (const w of chunk) {
        const id = ids.get(w.idempotencyKey);
        if (id === undefined) {
          result.duplicates.push(w.idempotencyKey);
        } else {
          result.inserted.push({ id, idempotencyKey: w.idempotencyKey });
          ids.delete(w.idempotencyKey);
        }
      }
    }
  };
  // Several chunks commit together, so a caller outside a transaction still gets all-or-nothing.
  if (scope.inTransaction || writes.length <= ROWS_PER_STATEMENT) await run(scope);
  else await scope.transaction(run);
  return result;
}
