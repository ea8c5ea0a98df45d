/**
 * The audit trail: every outbound write intent and its outcome, and every merge decision, with
 * who/what/when, before and after values and the idempotency key; queried per record. Callers
 * pass values already stripped of secrets (the trail is readable by operators).
 */
import { IDS_PER_STATEMENT, chunks } from './batching.js';
import { bulkInsert } from './bulkInsert.js';
import { fromJson, toJson, toNumber } from './columns.js';
import type { Scope } from './scope.js';
import { tables } from './tables.js';

export interface AuditInput {
  /** Who: `pipeline:<name>`, `operator:<user>`, `system`. */
  actor: string;
  /** What: e.g. `write.intent`, `write.ok`, `write.failed`, `merge.decision`, `link.rejected`. */
  action: string;
  pipeline?: string;
  recordKey?: string;
  connection?: string;
  idempotencyKey?: string;
  correlationId?: string;
  before?: unknown;
  after?: unknown;
  /** The decision and why (policy, winning side, base value…). */
  decision?: unknown;
  /** @defaultValue now */
  at?: number;
}

export interface AuditEntry {
  id: number;
  at: number;
  actor: string;
  action: string;
  pipeline: string | null;
  recordKey: string | null;
  connection: string | null;
  idempotencyKey: string | null;
  correlationId: string | null;
  before: unknown;
  after: unknown;
  decision: unknown;
}

export async function appendAudit(scope: Scope, entries: readonly AuditInput[]): Promise<void> {
  const now = scope.now();
  await bulkInsert(
    scope,
    {
      table: tables.audit,
      columns: ['tenant', 'at', 'actor', 'action', 'pipeline', 'record_key', 'connection', 'idempotency_key', 'correlation_id', 'before', 'after', 'decision'],
      values: (e: AuditInput) => [
        scope.tenant,
        e.at ?? now,
        e.actor,
        e.action,
        e.pipeline ?? null,
        e.recordKey ?? null,
        e.connection ?? null,
        e.idempotencyKey ?? null,
        e.correlationId ?? null,
        toJson(e.before ?? null),
        toJson(e.after ?? null),
        toJson(e.decision ?? null),
      ],
    },
    entries,
  );
}

export interface AuditQuery {
  /** The record (required unless idempotencyKey is given). */
  recordKey?: string;
  idempotencyKey?: string;
  pipeline?: string;
  since?: number;
  afterId?: number;
  /** @defaultValue 100 */
  limit?: number;
}

/** A record's history, oldest first. */
export async function queryAudit(scope: Scope, query: AuditQuery): Promise<AuditEntry[]> {
  const q = scope.db(tables.audit).where({ tenant: scope.tenant });
  if (query.recordKey !== undefined) q.andWhere({ record_key: query.recordKey });
  if (query.idempotencyKey !== undefined) q.andWhere({ idempotency_key: query.idempotencyKey });
  if (query.pipeline !== undefined) q.andWhere({ pipeline: query.pipeline });
  if (query.since !== undefined) q.andWhere('at', '>=', query.since);
  if (query.afterId !== undefined) q.andWhere('id', '>', query.afterId);
  const rows = await q.orderBy(['at', 'id']).limit(query.limit ?? 100);
  return rows.map((r: Record<string, unknown>) => entryFrom(scope, r));
}

function entryFrom(scope: Scope, r: Record<string, unknown>): AuditEntry {
  return {
    id: toNumber(r.id),
    at: toNumber(r.at),
    actor: String(r.actor),
    action: String(r.action),
    pipeline: (r.pipeline as string | null) ?? null,
    recordKey: (r.record_key as string | null) ?? null,
    connection: (r.connection as string | null) ?? null,
    idempotencyKey: (r.idempotency_key as string | null) ?? null,
    correlationId: (r.correlation_id as string | null) ?? null,
    before: fromJson(scope.dialect, r.before),
    after: fromJson(scope.dialect, r.after),
    decision: fromJson(scope.dialect, r.decision),
  };
}

/** The last `merge.decision` entry of each field of these records, by record key, then field. */
export async function latestMergeDecisions(scope: Scope, pipeline: string, recordKeys: readonly string[]): Promise<Map<string, Map<string, AuditEntry>>> {
  const out = new Map<string, Map<string, AuditEntry>>();
  for (const part of chunks([...new Set(recordKeys)], IDS_PER_STATEMENT)) {
    const rows = await scope
      .db(tables.audit)
      .where({ tenant: scope.tenant, action: 'merge.decision', pipeline })
      .whereIn('record_key', part)
      .orderBy(['at', 'id']);
    for (const entry of rows.map((r: Record<string, unknown>) => entryFrom(scope, r))) {
      const field = String((entry.decision as { field?: unknown } | null)?.field);
      let fields = out.get(entry.recordKey as string);
      if (!fields) out.set(entry.recordKey as string, (fields = new Map()));
      fields.set(field, entry);
    }
  }
  return out;
}
