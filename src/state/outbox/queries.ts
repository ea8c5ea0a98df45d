import { appendAudit, auditInputOf } from '../audit.js';
import { writeTrailOf } from '../writeTrail.js';
import { IDS_PER_STATEMENT, chunks } from '../batching.js';
import { fromJson, toNumber } from '../columns.js';
import { placeholders, runRaw } from '../raw.js';
import type { Scope } from '../scope.js';
import { tables } from '../tables.js';
import { OUTBOX_STATUSES, outboxRowFrom, type OutboxRow, type OutboxStatus } from './rows.js';

export async function getOutboxRow(scope: Scope, id: number): Promise<OutboxRow | undefined> {
  const row = await scope.db(tables.outbox).where({ tenant: scope.tenant, id }).first();
  return row ? outboxRowFrom(scope.dialect, row) : undefined;
}

/** The write with this key. Keys are unique per pipeline and record, so this scans: for diagnostics. */
export async function getOutboxByKey(scope: Scope, idempotencyKey: string): Promise<OutboxRow | undefined> {
  const row = await scope.db(tables.outbox).where({ tenant: scope.tenant, idempotency_key: idempotencyKey }).first();
  return row ? outboxRowFrom(scope.dialect, row) : undefined;
}

/**
 * The payloads of the writes of these records now in flight for `pipeline`, by record key (the
 * newest, should a record have two). For planning against what the target is about to hold.
 */
export async function inFlightPayloads(scope: Scope, pipeline: string, recordKeys: readonly string[]): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>();
  for (const part of chunks(recordKeys, IDS_PER_STATEMENT)) {
    const { rows } = await runRaw<{ record_key: string; payload: unknown }>(
      scope,
      `select record_key, payload from ${tables.outbox}
       where tenant = ? and pipeline = ? and record_key in (${placeholders(part.length)}) and status = 'in_flight' order by id`,
      [scope.tenant, pipeline, ...part],
    );
    for (const r of rows) out.set(r.record_key, fromJson(scope.dialect, r.payload));
  }
  return out;
}

export interface OutboxFilter {
  pipeline?: string;
  connection?: string;
  recordKey?: string;
  status?: OutboxStatus;
  /** Rows with id greater than this (paging). */
  afterId?: number;
  /** @defaultValue 100 */
  limit?: number;
}

export async function listOutbox(scope: Scope, filter: OutboxFilter = {}): Promise<OutboxRow[]> {
  const q = scope.db(tables.outbox).where({ tenant: scope.tenant });
  if (filter.pipeline !== undefined) q.andWhere({ pipeline: filter.pipeline });
  if (filter.connection !== undefined) q.andWhere({ connection: filter.connection });
  if (filter.recordKey !== undefined) q.andWhere({ record_key: filter.recordKey });
  if (filter.status !== undefined) q.andWhere({ status: filter.status });
  if (filter.afterId !== undefined) q.andWhere('id', '>', filter.afterId);
  const rows = await q.orderBy('id').limit(filter.limit ?? 100);
  return rows.map((r: Record<string, unknown>) => outboxRowFrom(scope.dialect, r));
}

export interface QueueDepth {
  /** Rows per status (every status present, zero when none). */
  byStatus: Record<OutboxStatus, number>;
  /** Creation time of the oldest row still to be written (pending, in flight or waiting), or null. */
  oldestOpenCreatedAt: number | null;
}

/** Queue depth and age for `status` and metrics, optionally for one pipeline. */
export async function queueDepth(scope: Scope, filter: { pipeline?: string } = {}): Promise<QueueDepth> {
  const base = () => {
    const q = scope.db(tables.outbox).where({ tenant: scope.tenant });
    if (filter.pipeline !== undefined) q.andWhere({ pipeline: filter.pipeline });
    return q;
  };
  const counts: Array<{ status: OutboxStatus; n: unknown }> = await base().select('status').count({ n: '*' }).groupBy('status');
  const byStatus = Object.fromEntries(OUTBOX_STATUSES.map((s) => [s, 0])) as Record<OutboxStatus, number>;
  for (const c of counts) byStatus[c.status] = toNumber(c.n);
  const oldest = await base().whereIn('status', ['pending', 'in_flight', 'waiting_auth']).min({ at: 'created_at' }).first();
  const at = (oldest as { at?: unknown } | undefined)?.at;
  return { byStatus, oldestOpenCreatedAt: at === null || at === undefined ? null : toNumber(at) };
}

/**
 * Deletes `done` rows last changed before `before` (retention), with their attempt log; returns
 * the count. Their intents and outcomes stay on the audit trail, as audit rows of their own.
 * `limit` bounds the rows of one call (and its transaction); the oldest rows go first.
 */
export async function purgeDone(scope: Scope, before: number, limit?: number): Promise<number> {
  return scope.transaction(async (tx) => {
    const q = tx.db(tables.outbox).where({ tenant: tx.tenant, status: 'done' }).andWhere('updated_at', '<', before);
    if (limit !== undefined) q.orderBy('id').limit(limit);
    const ids = (await q.pluck('id')).map(toNumber);
    let deleted = 0;
    for (const part of chunks(ids, IDS_PER_STATEMENT)) {
      await appendAudit(tx, (await writeTrailOf(tx, part)).map(auditInputOf));
      await tx.db(tables.deliveries).where({ tenant: tx.tenant }).whereIn('outbox_id', part).del();
      deleted += await tx.db(tables.outbox).where({ tenant: tx.tenant }).whereIn('id', part).del();
    }
    return deleted;
  });
}
