/**
 * The dead letter queue: writes whose retries ran out. Operators list and inspect them, then
 * replay (back to the outbox as `pending`, same idempotency key, attempts reset) or discard.
 * Replayed, discarded and superseded letters are kept as history.
 */
import { IDS_PER_STATEMENT, chunks } from './batching.js';
import { fromJson, toJson, toNumber, toNumberOrNull } from './columns.js';
import type { Scope } from './scope.js';
import { tables } from './tables.js';

/**
 * `superseded`: not replayed, because a newer write of the record was queued after it; that write
 * was planned from a state without this one's changes, so it carries them where they still hold,
 * and replaying this one would send the record's older values over newer ones.
 */
export type DeadLetterStatus = 'open' | 'replayed' | 'discarded' | 'superseded';

export interface ReplayResult {
  /** Outbox ids of the writes queued again. */
  queued: number[];
  /** Letters closed instead of replayed, with the idempotency key of the newest write of their record. */
  superseded: Array<{ id: number; recordKey: string; newerKey: string }>;
}

export interface DeadLetter {
  id: number;
  outboxId: number;
  idempotencyKey: string;
  pipeline: string;
  connection: string;
  operation: string;
  object: string | null;
  recordKey: string;
  payload: unknown;
  contentVersion: string;
  correlationId: string | null;
  attempts: number;
  errorClass: string;
  error: string | null;
  status: DeadLetterStatus;
  deadAt: number;
  resolvedAt: number | null;
  resolvedBy: string | null;
}

export interface DeadLetterFilter {
  /** @defaultValue 'open' */
  status?: DeadLetterStatus;
  pipeline?: string;
  connection?: string;
  errorClass?: string;
  recordKey?: string;
  /** Only letters that died at or after this time. */
  since?: number;
  afterId?: number;
  /** @defaultValue 100 */
  limit?: number;
}

function fromRow(scope: Scope, r: Record<string, unknown>): DeadLetter {
  return {
    id: toNumber(r.id),
    outboxId: toNumber(r.outbox_id),
    idempotencyKey: String(r.idempotency_key),
    pipeline: String(r.pipeline),
    connection: String(r.connection),
    operation: String(r.operation),
    object: (r.object as string | null) ?? null,
    recordKey: String(r.record_key),
    payload: fromJson(scope.dialect, r.payload),
    contentVersion: String(r.content_version),
    correlationId: (r.correlation_id as string | null) ?? null,
    attempts: toNumber(r.attempts),
    errorClass: String(r.error_class),
    error: (r.error as string | null) ?? null,
    status: r.status as DeadLetterStatus,
    deadAt: toNumber(r.dead_at),
    resolvedAt: toNumberOrNull(r.resolved_at),
    resolvedBy: (r.resolved_by as string | null) ?? null,
  };
}

export async function listDeadLetters(scope: Scope, filter: DeadLetterFilter = {}): Promise<DeadLetter[]> {
  const q = scope.db(tables.deadLetters).where({ tenant: scope.tenant, status: filter.status ?? 'open' });
  if (filter.pipeline !== undefined) q.andWhere({ pipeline: filter.pipeline });
  if (filter.connection !== undefined) q.andWhere({ connection: filter.connection });
  if (filter.errorClass !== undefined) q.andWhere({ error_class: filter.errorClass });
  if (filter.recordKey !== undefined) q.andWhere({ record_key: filter.recordKey });
  if (filter.since !== undefined) q.andWhere('dead_at', '>=', filter.since);
  if (filter.afterId !== undefined) q.andWhere('id', '>', filter.afterId);
  const rows = await q.orderBy('id').limit(filter.limit ?? 100);
  return rows.map((r: Record<string, unknown>) => fromRow(scope, r));
}

export async function getDeadLetter(scope: Scope, id: number): Promise<DeadLetter | undefined> {
  const row = await scope.db(tables.deadLetters).where({ tenant: scope.tenant, id }).first();
  return row ? fromRow(scope, row) : undefined;
}

/**
 * Sends open dead letters back to the outbox as due `pending` writes with their original
 * idempotency key (re-creating the outbox row if retention removed it). A letter whose record has
 * a newer write in the outbox is closed as `superseded` instead (see DeadLetterStatus).
 */
export async function replayDeadLetters(scope: Scope, ids: readonly number[], by: string): Promise<ReplayResult> {
  return scope.transaction(async (tx) => {
    const now = tx.now();
    const result: ReplayResult = { queued: [], superseded: [] };
    const close = (letterIds: number[], status: DeadLetterStatus) =>
      letterIds.length ? tx.db(tables.deadLetters).where({ tenant: tx.tenant }).whereIn('id', letterIds).update({ status, resolved_at: now, resolved_by: by }) : undefined;
    for (const part of chunks(ids, IDS_PER_STATEMENT)) {
      const q = tx.db(tables.deadLetters).where({ tenant: tx.tenant, status: 'open' }).whereIn('id', part);
      if (tx.dialect === 'postgres') q.forUpdate();
      const letters = (await q).map((r: Record<string, unknown>) => fromRow(tx, r));
      const replayed: number[] = [];
      const superseded: number[] = [];
      for (const l of letters) {
        const newer = (await tx
          .db(tables.outbox)
          .where({ tenant: tx.tenant, pipeline: l.pipeline, record_key: l.recordKey })
          .andWhere('id', '>', l.outboxId)
          .orderBy('id', 'desc')
          .first('idempotency_key')) as { idempotency_key: string } | undefined;
        if (newer) {
          superseded.push(l.id);
          result.superseded.push({ id: l.id, recordKey: l.recordKey, newerKey: newer.idempotency_key });
          continue;
        }
        replayed.push(l.id);
        const [row] = await tx
          .db(tables.outbox)
          .insert({
            tenant: tx.tenant,
            idempotency_key: l.idempotencyKey,
            pipeline: l.pipeline,
            connection: l.connection,
            operation: l.operation,
            object: l.object,
            record_key: l.recordKey,
            payload: toJson(l.payload),
            content_version: l.contentVersion,
            correlation_id: l.correlationId,
            status: 'pending',
            attempts: 0,
            next_attempt_at: now,
            created_at: now,
            updated_at: now,
          })
          .onConflict(['tenant', 'pipeline', 'record_key', 'idempotency_key'])
          .merge({
            status: 'pending',
            attempts: 0,
            next_attempt_at: now,
            claimed_by: null,
            claimed_until: null,
            last_error_class: null,
            last_error: null,
            updated_at: now,
          })
          .returning(['id']);
        result.queued.push(toNumber((row as { id: unknown }).id));
      }
      await close(replayed, 'replayed');
      await close(superseded, 'superseded');
    }
    return result;
  });
}

/** Gives up on open dead letters for good; returns how many were discarded. */
export async function discardDeadLetters(scope: Scope, ids: readonly number[], by: string): Promise<number> {
  let n = 0;
  for (const part of chunks(ids, IDS_PER_STATEMENT)) {
    n += await scope
      .db(tables.deadLetters)
      .where({ tenant: scope.tenant, status: 'open' })
      .whereIn('id', part)
      .update({ status: 'discarded', resolved_at: scope.now(), resolved_by: by });
  }
  return n;
}
