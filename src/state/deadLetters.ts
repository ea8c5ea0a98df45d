/**
 * The dead letter queue: writes whose retries ran out. Operators list and inspect them, then
 * replay (back to the outbox as `pending`, same idempotency key, attempts reset) or discard.
 * Replayed, discarded and superseded letters are kept as history.
 */
import { IDS_PER_STATEMENT, chunks } from './batching.js';
import { bulkInsert } from './bulkInsert.js';
import { OUTBOX_COLUMNS } from './outbox/enqueue.js';
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
      const newest = await newestWrites(tx, letters);
      /** The letters to queue again, one per write: the same upsert row twice is refused by PostgreSQL. */
      const replay = new Map<string, DeadLetter>();
      const replayed: number[] = [];
      const superseded: number[] = [];
      for (const l of letters) {
        const newer = newest.get(recordOf(l.pipeline, l.recordKey));
        if (newer && newer.id > l.outboxId) {
          superseded.push(l.id);
          result.superseded.push({ id: l.id, recordKey: l.recordKey, newerKey: newer.key });
          continue;
        }
        replayed.push(l.id);
        const write = writeOf(l.pipeline, l.recordKey, l.idempotencyKey);
        if (!replay.has(write)) replay.set(write, l);
      }
      // Back to pending on its own outbox row (same idempotency key), or on a new row where
      // retention removed it.
      const returned = await bulkInsert<DeadLetter, { id: unknown; pipeline: string; record_key: string; idempotency_key: string }>(
        tx,
        {
          table: tables.outbox,
          columns: OUTBOX_COLUMNS,
          // A row made again keeps off the trail: its intent is there already, from the row retention removed.
          values: (l) => [tx.tenant, l.idempotencyKey, l.pipeline, l.connection, l.operation, l.object, l.recordKey, toJson(l.payload), l.contentVersion, l.correlationId, 'pending', 0, now, now, now, null, null, null],
          onConflict: `on conflict (tenant, pipeline, record_key, idempotency_key) do update set status = 'pending', attempts = 0, next_attempt_at = excluded.next_attempt_at,
            claimed_by = null, claimed_until = null, last_error_class = null, last_error = null, updated_at = excluded.updated_at`,
          returning: 'id, pipeline, record_key, idempotency_key',
        },
        [...replay.values()],
      );
      const outboxIds = new Map(returned.map((r) => [writeOf(r.pipeline, r.record_key, r.idempotency_key), toNumber(r.id)]));
      for (const write of replay.keys()) result.queued.push(outboxIds.get(write) as number);
      await close(replayed, 'replayed');
      await close(superseded, 'superseded');
    }
    return result;
  });
}

function recordOf(pipeline: string, recordKey: string): string {
  return `${pipeline}\u0000${recordKey}`;
}

function writeOf(pipeline: string, recordKey: string, idempotencyKey: string): string {
  return `${recordOf(pipeline, recordKey)}\u0000${idempotencyKey}`;
}

/** The newest outbox write of each letter's record (any status), in a query per pipeline and chunk of records. */
async function newestWrites(scope: Scope, letters: readonly DeadLetter[]): Promise<Map<string, { id: number; key: string }>> {
  const newest = new Map<string, { id: number; key: string }>();
  const byPipeline = new Map<string, Set<string>>();
  for (const l of letters) {
    const keys = byPipeline.get(l.pipeline);
    if (keys) keys.add(l.recordKey);
    else byPipeline.set(l.pipeline, new Set([l.recordKey]));
  }
  for (const [pipeline, keys] of byPipeline) {
    for (const part of chunks([...keys], IDS_PER_STATEMENT)) {
      const rows = (await scope.db(tables.outbox).where({ tenant: scope.tenant, pipeline }).whereIn('record_key', part).select('id', 'record_key', 'idempotency_key')) as Array<{ id: unknown; record_key: string; idempotency_key: string }>;
      for (const r of rows) {
        const record = recordOf(pipeline, r.record_key);
        const id = toNumber(r.id);
        if ((newest.get(record)?.id ?? -1) < id) newest.set(record, { id, key: r.idempotency_key });
      }
    }
  }
  return newest;
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
