/**
 * The audit trail: every outbound write intent and its outcome, and every merge decision, with
 * who/what/when, before and after values and the idempotency key; queried per record. Callers
 * pass values already stripped of secrets (the trail is readable by operators).
 *
 * A write's intent and outcomes are not stored here: its outbox row and its delivery attempts
 * are those entries (`writeTrail.ts`). `queryAudit` lists them with the audit rows, in trail order.
 */
import { IDS_PER_STATEMENT, chunks } from './batching.js';
import { bulkInsert } from './bulkInsert.js';
import { fromJson, toJson, toNumber } from './columns.js';
import type { Scope } from './scope.js';
import { tables } from './tables.js';
import { trailFilter, withinSpan, writeIntents, writeOutcomes, type Span, type TrailFilter } from './writeTrail.js';

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
  /** Unique within its `source`. */
  id: number;
  /** Where it is kept: an audit row; an outbox row (a write's intent); a delivery attempt (a write's outcome). */
  source: 'audit' | 'outbox' | 'delivery';
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
  /** Entries after this one, in trail order: for reading a long trail page by page. */
  after?: Pick<AuditEntry, 'at' | 'id' | 'source' | 'action'>;
  /** @defaultValue 100 */
  limit?: number;
}

/** Entries that follow a write's attempt: written by the transaction that settles it, or later. */
const AFTER_ATTEMPTS: ReadonlySet<string> = new Set(['write.superseded', 'write.carried']);

/**
 * Where an entry stands among those of its millisecond: what a page's plan wrote (matches, merge
 * decisions, intents) and operators' actions, then attempts, then what settling an attempt wrote.
 */
function stage(e: Pick<AuditEntry, 'source' | 'action'>): number {
  return e.source === 'delivery' ? 1 : AFTER_ATTEMPTS.has(e.action) ? 2 : 0;
}

const SOURCE_ORDER: Readonly<Record<AuditEntry['source'], number>> = { audit: 0, outbox: 1, delivery: 2 };

/** Trail order: by time, then by stage within the millisecond, then by kind of entry and id. */
function trailOrder(a: Pick<AuditEntry, 'at' | 'id' | 'source' | 'action'>, b: Pick<AuditEntry, 'at' | 'id' | 'source' | 'action'>): number {
  return a.at - b.at || stage(a) - stage(b) || SOURCE_ORDER[a.source] - SOURCE_ORDER[b.source] || a.id - b.id;
}

/** A record's history, oldest first. */
export async function queryAudit(scope: Scope, query: AuditQuery): Promise<AuditEntry[]> {
  const limit = query.limit ?? 100;
  const after = query.after;
  const filter = await trailFilter(scope, query);
  const read = async (span: Span) => [...(await auditRows(scope, filter, span)), ...(await writeIntents(scope, filter, span)), ...(await writeOutcomes(scope, filter, span))];
  // Entries of the cursor's own millisecond are read whole (a millisecond holds few), so those
  // after it are found whatever their kind; the rest from the next millisecond on.
  const entries = after
    ? [...(await read({ at: after.at })).filter((e) => trailOrder(e, after) > 0), ...(await read({ from: after.at + 1, limit }))]
    : await read({ limit });
  return entries.sort(trailOrder).slice(0, limit);
}

async function auditRows(scope: Scope, filter: TrailFilter, span: Span): Promise<AuditEntry[]> {
  const q = scope.db(tables.audit).where({ tenant: scope.tenant });
  if (filter.recordKey !== undefined) q.andWhere({ record_key: filter.recordKey });
  if (filter.idempotencyKey !== undefined) q.andWhere({ idempotency_key: filter.idempotencyKey });
  if (filter.pipeline !== undefined) q.andWhere({ pipeline: filter.pipeline });
  withinSpan(q, 'at', filter, span);
  const rows: Array<Record<string, unknown>> = await q.orderBy(['at', 'id']);
  return rows.map((r) => entryFrom(scope, r));
}

function entryFrom(scope: Scope, r: Record<string, unknown>): AuditEntry {
  return {
    id: toNumber(r.id),
    source: 'audit',
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

/** The entry as it is appended: for keeping an entry read from elsewhere as an audit row. */
export function auditInputOf(e: AuditEntry): AuditInput {
  return {
    actor: e.actor,
    action: e.action,
    at: e.at,
    ...(e.pipeline !== null ? { pipeline: e.pipeline } : {}),
    ...(e.recordKey !== null ? { recordKey: e.recordKey } : {}),
    ...(e.connection !== null ? { connection: e.connection } : {}),
    ...(e.idempotencyKey !== null ? { idempotencyKey: e.idempotencyKey } : {}),
    ...(e.correlationId !== null ? { correlationId: e.correlationId } : {}),
    before: e.before,
    after: e.after,
    decision: e.decision,
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
