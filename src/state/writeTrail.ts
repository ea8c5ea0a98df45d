/**
 * The audit trail's entries about writes that are not audit rows: a queued write's outbox row is
 * its `write.intent` entry, and each delivery attempt its `write.ok` or `write.failed` entry.
 * Storing each a second time, as an audit row, cost two more rows per written record (see the
 * throughput notes in docs/runtime.md). `queryAudit` lists these with the audit rows, in trail order.
 *
 * An outbox payload is opaque here but for the two members the intent lists: `values` (its after
 * values) and `intent` (`{ before, decision, after? }`, `after` being the values as planned when
 * they changed since). Rows and attempts from before migrations 007/008 have audit rows of their
 * own and are not on the trail (`on_trail` NULL).
 */
import type { Knex } from 'knex';
import type { AuditEntry, AuditQuery } from './audit.js';
import { fromJson, toNumber } from './columns.js';
import type { Scope } from './scope.js';
import { tables } from './tables.js';

/** Which times a read covers: one millisecond, or (from a time on) up to a number of entries. */
export type Span = { at: number } | { from?: number; limit: number };

export interface TrailFilter extends Omit<AuditQuery, 'after' | 'limit'> {
  /** Only these outbox rows' entries. */
  outboxIds?: readonly number[];
  /** The pipelines a record without `pipeline` is looked up in (see `trailFilter`). */
  pipelines?: readonly string[];
}

/**
 * The filter for reading a query's entries, resolved once per query: the outbox is indexed by
 * pipeline, then record, so a record alone is looked up in each pipeline.
 */
export async function trailFilter(scope: Scope, query: AuditQuery): Promise<TrailFilter> {
  const { after: _after, limit: _limit, ...filter } = query;
  return query.recordKey !== undefined && query.pipeline === undefined ? { ...filter, pipelines: await outboxPipelines(scope) } : filter;
}

interface OutboxPayload {
  values?: unknown;
  intent?: { before?: unknown; decision?: unknown; after?: unknown };
}

/** The `write.intent` entries: outbox rows. */
export async function writeIntents(scope: Scope, filter: TrailFilter, span: Span): Promise<AuditEntry[]> {
  const q = scope.db(`${tables.outbox} as o`).where({ 'o.tenant': scope.tenant, 'o.on_trail': true });
  whereWrites(q, filter);
  withinSpan(q, 'o.created_at', filter, span);
  const rows = await q
    .orderBy(['o.created_at', 'o.id'])
    .select('o.id', 'o.created_at', 'o.pipeline', 'o.record_key', 'o.connection', 'o.idempotency_key', 'o.correlation_id', 'o.payload');
  return rows.map((r: Record<string, unknown>) => {
    const payload = fromJson<OutboxPayload | null>(scope.dialect, r.payload);
    return {
      ...about(r, toNumber(r.id), 'outbox', toNumber(r.created_at), 'write.intent'),
      before: payload?.intent?.before ?? null,
      after: payload?.intent?.after ?? payload?.values ?? null,
      decision: payload?.intent?.decision ?? null,
    };
  });
}

/** The `write.ok` / `write.failed` entries: delivery attempts, with their outbox rows. */
export async function writeOutcomes(scope: Scope, filter: TrailFilter, span: Span): Promise<AuditEntry[]> {
  const q = scope
    .db(`${tables.deliveries} as d`)
    .join(`${tables.outbox} as o`, (j) => j.on('o.id', 'd.outbox_id').andOn('o.tenant', 'd.tenant'))
    .where({ 'd.tenant': scope.tenant, 'd.on_trail': true });
  whereWrites(q, filter);
  withinSpan(q, 'd.at', filter, span);
  const rows = await q
    .orderBy(['d.at', 'd.id'])
    .select('d.id', 'd.at', 'd.attempt', 'd.outcome', 'd.error_class', 'd.error', 'd.remote_id', 'd.created', 'o.pipeline', 'o.record_key', 'o.connection', 'o.idempotency_key', 'o.correlation_id', 'o.operation', 'o.payload');
  return rows.map((r: Record<string, unknown>) => {
    const ok = r.outcome === 'ok';
    const attempt = toNumber(r.attempt);
    const created = r.created === null || r.created === undefined ? undefined : Boolean(r.created);
    return {
      ...about(r, toNumber(r.id), 'delivery', toNumber(r.at), ok ? 'write.ok' : 'write.failed'),
      before: null,
      // What the write sent.
      after: fromJson<OutboxPayload | null>(scope.dialect, r.payload)?.values ?? null,
      decision: ok
        ? { operation: r.operation, ...(r.remote_id != null ? { remoteId: r.remote_id } : {}), ...(created !== undefined ? { created } : {}), attempt }
        : { errorClass: r.error_class, message: r.error, attempt },
    };
  });
}

/** Every trail entry of these outbox rows, oldest first: what keeps them once the rows go. */
export async function writeTrailOf(scope: Scope, outboxIds: readonly number[]): Promise<AuditEntry[]> {
  const all = { limit: Number.MAX_SAFE_INTEGER };
  return [...(await writeIntents(scope, { outboxIds }, all)), ...(await writeOutcomes(scope, { outboxIds }, all))].sort((a, b) => a.at - b.at);
}

function about(r: Record<string, unknown>, id: number, source: AuditEntry['source'], at: number, action: string): Omit<AuditEntry, 'before' | 'after' | 'decision'> {
  return {
    id,
    source,
    at,
    actor: `pipeline:${String(r.pipeline)}`,
    action,
    pipeline: String(r.pipeline),
    recordKey: String(r.record_key),
    connection: String(r.connection),
    idempotencyKey: String(r.idempotency_key),
    correlationId: (r.correlation_id as string | null) ?? null,
  };
}

/** Narrows a read to the writes the filter names, on the outbox row `o`. */
function whereWrites(q: Knex.QueryBuilder, filter: TrailFilter): void {
  if (filter.outboxIds !== undefined) q.whereIn('o.id', filter.outboxIds);
  if (filter.pipeline !== undefined) q.andWhere({ 'o.pipeline': filter.pipeline });
  if (filter.pipelines !== undefined) q.whereIn('o.pipeline', filter.pipelines);
  if (filter.recordKey !== undefined) q.andWhere({ 'o.record_key': filter.recordKey });
  if (filter.idempotencyKey !== undefined) q.andWhere({ 'o.idempotency_key': filter.idempotencyKey });
}

/** Narrows a read to the filter's `since` and the span, on the time `column`. */
export function withinSpan(q: Knex.QueryBuilder, column: string, filter: Pick<TrailFilter, 'since'>, span: Span): void {
  if (filter.since !== undefined) q.andWhere(column, '>=', filter.since);
  if ('at' in span) q.andWhere(column, span.at);
  else {
    if (span.from !== undefined) q.andWhere(column, '>=', span.from);
    q.limit(span.limit);
  }
}

/** The pipelines with writes in the outbox, read off its index one name at a time (a few steps, whatever its size). */
async function outboxPipelines(scope: Scope): Promise<string[]> {
  const t = tables.outbox;
  const rows: Array<{ name: string }> = await scope.db
    .withRecursive('p', ['name'], (p) =>
      p
        .from(t)
        .min('pipeline')
        .where({ tenant: scope.tenant })
        .unionAll((next) =>
          next
            .from('p')
            .select(scope.db.raw(`(select min(pipeline) from ${t} where tenant = ? and pipeline > p.name)`, [scope.tenant]))
            .whereNotNull('p.name'),
        ),
    )
    .from('p')
    .whereNotNull('name')
    .select('name');
  return rows.map((r) => r.name);
}
