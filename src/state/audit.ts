/**
 * The audit trail: every outbound write intent and its outcome, and every merge decision, with
 * who/what/when, before and after values and the idempotency key; queried per record. Callers
 * pass values already stripped of secrets (the trail is readable by operators).
 *
 * A write's outcomes are not stored here: each attempt's row in `syncd_deliveries` is its
 * `write.ok` or `write.failed` entry, read with its outbox row (what was written, for which
 * record). Storing both cost a second row per written record, about a sixth of a sync's time.
 * `queryAudit` lists the two kinds together, in trail order.
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
  /** Unique within its `source`. */
  id: number;
  /** `audit`: an audit row; `delivery`: a write's outcome, kept as its delivery attempt. */
  source: 'audit' | 'delivery';
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

/** Trail order: by time, then by stage within the millisecond, then by id within a kind of entry. */
function trailOrder(a: Pick<AuditEntry, 'at' | 'id' | 'source' | 'action'>, b: Pick<AuditEntry, 'at' | 'id' | 'source' | 'action'>): number {
  return a.at - b.at || stage(a) - stage(b) || (a.source === b.source ? a.id - b.id : a.source === 'audit' ? -1 : 1);
}

/** Which times a read covers: one millisecond, or (from a time on) up to a number of entries. */
type Span = { at: number } | { from?: number; limit: number };

/** A record's history, oldest first. */
export async function queryAudit(scope: Scope, query: AuditQuery): Promise<AuditEntry[]> {
  const limit = query.limit ?? 100;
  const after = query.after;
  const read = async (span: Span) => [...(await auditRows(scope, query, span)), ...(await writeOutcomes(scope, query, span))];
  // Entries of the cursor's own millisecond are read whole (a millisecond holds few), so those
  // after it are found whatever their kind; the rest from the next millisecond on.
  const entries = after
    ? [...(await read({ at: after.at })).filter((e) => trailOrder(e, after) > 0), ...(await read({ from: after.at + 1, limit }))]
    : await read({ limit });
  return entries.sort(trailOrder).slice(0, limit);
}

async function auditRows(scope: Scope, query: AuditQuery, span: Span): Promise<AuditEntry[]> {
  const q = scope.db(tables.audit).where({ tenant: scope.tenant });
  if (query.recordKey !== undefined) q.andWhere({ record_key: query.recordKey });
  if (query.idempotencyKey !== undefined) q.andWhere({ idempotency_key: query.idempotencyKey });
  if (query.pipeline !== undefined) q.andWhere({ pipeline: query.pipeline });
  if (query.since !== undefined) q.andWhere('at', '>=', query.since);
  if ('at' in span) q.andWhere('at', span.at);
  else {
    if (span.from !== undefined) q.andWhere('at', '>=', span.from);
    q.limit(span.limit);
  }
  const rows: Array<Record<string, unknown>> = await q.orderBy(['at', 'id']);
  return rows.map((r) => entryFrom(scope, r));
}

/** The `write.ok` / `write.failed` entries: delivery attempts, with their outbox rows. */
async function writeOutcomes(scope: Scope, query: AuditQuery & { outboxIds?: readonly number[] }, span: Span): Promise<AuditEntry[]> {
  const q = scope
    .db(`${tables.deliveries} as d`)
    .join(`${tables.outbox} as o`, (j) => j.on('o.id', 'd.outbox_id').andOn('o.tenant', 'd.tenant'))
    .where({ 'd.tenant': scope.tenant, 'd.on_trail': true });
  if (query.outboxIds !== undefined) q.whereIn('d.outbox_id', query.outboxIds);
  if (query.pipeline !== undefined) q.andWhere({ 'o.pipeline': query.pipeline });
  if (query.recordKey !== undefined) {
    q.andWhere({ 'o.record_key': query.recordKey });
    // The outbox is looked up by pipeline and record; the record's own entries name its pipelines.
    if (query.pipeline === undefined) {
      q.whereIn('o.pipeline', scope.db(tables.audit).distinct('pipeline').where({ tenant: scope.tenant, record_key: query.recordKey }).whereNotNull('pipeline'));
    }
  }
  if (query.idempotencyKey !== undefined) q.andWhere({ 'o.idempotency_key': query.idempotencyKey });
  if (query.since !== undefined) q.andWhere('d.at', '>=', query.since);
  if ('at' in span) q.andWhere('d.at', span.at);
  else {
    if (span.from !== undefined) q.andWhere('d.at', '>=', span.from);
    q.limit(span.limit);
  }
  const rows = await q
    .orderBy(['d.at', 'd.id'])
    .select('d.id', 'd.at', 'd.attempt', 'd.outcome', 'd.error_class', 'd.error', 'd.remote_id', 'd.created', 'o.pipeline', 'o.record_key', 'o.connection', 'o.idempotency_key', 'o.correlation_id', 'o.operation', 'o.payload');
  return rows.map((r: Record<string, unknown>) => outcomeFrom(scope, r));
}

function outcomeFrom(scope: Scope, r: Record<string, unknown>): AuditEntry {
  const ok = r.outcome === 'ok';
  const attempt = toNumber(r.attempt);
  const created = r.created === null || r.created === undefined ? undefined : Boolean(r.created);
  // What the write sent: the `values` of its outbox payload, as its `write.intent` entry lists them.
  const payload = fromJson<{ values?: unknown } | null>(scope.dialect, r.payload);
  return {
    id: toNumber(r.id),
    source: 'delivery',
    at: toNumber(r.at),
    actor: `pipeline:${String(r.pipeline)}`,
    action: ok ? 'write.ok' : 'write.failed',
    pipeline: String(r.pipeline),
    recordKey: String(r.record_key),
    connection: String(r.connection),
    idempotencyKey: String(r.idempotency_key),
    correlationId: (r.correlation_id as string | null) ?? null,
    before: null,
    after: payload?.values ?? null,
    decision: ok
      ? { operation: r.operation, ...(r.remote_id != null ? { remoteId: r.remote_id } : {}), ...(created !== undefined ? { created } : {}), attempt }
      : { errorClass: r.error_class, message: r.error, attempt },
  };
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

/**
 * Keeps the outcomes of these outbox rows on the trail as audit rows of their own, and removes
 * their attempts: for rows about to be deleted (retention), through which the trail read them.
 */
export async function detachWriteOutcomes(scope: Scope, outboxIds: readonly number[]): Promise<void> {
  for (const part of chunks(outboxIds, IDS_PER_STATEMENT)) {
    const outcomes = await writeOutcomes(scope, { outboxIds: part }, { limit: Number.MAX_SAFE_INTEGER });
    await appendAudit(
      scope,
      outcomes.map((e) => ({
        actor: e.actor,
        action: e.action,
        at: e.at,
        ...(e.pipeline !== null ? { pipeline: e.pipeline } : {}),
        ...(e.recordKey !== null ? { recordKey: e.recordKey } : {}),
        ...(e.connection !== null ? { connection: e.connection } : {}),
        ...(e.idempotencyKey !== null ? { idempotencyKey: e.idempotencyKey } : {}),
        ...(e.correlationId !== null ? { correlationId: e.correlationId } : {}),
        after: e.after,
        decision: e.decision,
      })),
    );
    await scope.db(tables.deliveries).where({ tenant: scope.tenant }).whereIn('outbox_id', part).del();
  }
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
