/**
 * Reconciliation items: problems a person has to settle — a conflict (both sides changed, an
 * immutable field changed, a stale write), a mapping error (missing field, bad value), or drift
 * (a CRM edit overwritten by a local_wins field). The payload carries what the operator needs to
 * act: the record, the field, the values, the vendor's error.
 */
import { fromJson, toJson, toNumber, toNumberOrNull } from './columns.js';
import { runRaw } from './raw.js';
import type { Scope } from './scope.js';
import { tables } from './tables.js';

export type ReconciliationKind = 'conflict' | 'mapping' | 'drift';
export type ReconciliationStatus = 'open' | 'resolved';

export interface ReconciliationItem {
  id: number;
  kind: ReconciliationKind;
  pipeline: string;
  recordKey: string;
  linkId: number | null;
  field: string | null;
  dedupeKey: string | null;
  payload: unknown;
  status: ReconciliationStatus;
  resolution: unknown;
  resolvedBy: string | null;
  createdAt: number;
  updatedAt: number;
  resolvedAt: number | null;
}

export interface OpenItem {
  kind: ReconciliationKind;
  pipeline: string;
  recordKey: string;
  linkId?: number;
  field?: string;
  /** Actionable details: values, base, the vendor's message, what to do. Never secrets. */
  payload: unknown;
  /**
   * While an item with this key is open, opening another one refreshes its payload instead of
   * adding a duplicate. @defaultValue none (every call opens an item)
   */
  dedupeKey?: string;
}

function fromRow(scope: Scope, r: Record<string, unknown>): ReconciliationItem {
  return {
    id: toNumber(r.id),
    kind: r.kind as ReconciliationKind,
    pipeline: String(r.pipeline),
    recordKey: String(r.record_key),
    linkId: toNumberOrNull(r.link_id),
    field: (r.field as string | null) ?? null,
    dedupeKey: (r.dedupe_key as string | null) ?? null,
    payload: fromJson(scope.dialect, r.payload),
    status: r.status as ReconciliationStatus,
    resolution: fromJson(scope.dialect, r.resolution),
    resolvedBy: (r.resolved_by as string | null) ?? null,
    createdAt: toNumber(r.created_at),
    updatedAt: toNumber(r.updated_at),
    resolvedAt: toNumberOrNull(r.resolved_at),
  };
}

/** Opens an item (or refreshes the open one with the same dedupe key). */
export async function openReconciliationItem(scope: Scope, item: OpenItem): Promise<{ item: ReconciliationItem; isNew: boolean }> {
  const now = scope.now();
  const t = tables.reconciliation;
  const { rows } = await runRaw<Record<string, unknown>>(
    scope,
    `insert into ${t} (tenant, kind, pipeline, record_key, link_id, field, dedupe_key, payload, status, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)
     on conflict (tenant, dedupe_key) where status = 'open' do nothing
     returning *`,
    [scope.tenant, item.kind, item.pipeline, item.recordKey, item.linkId ?? null, item.field ?? null, item.dedupeKey ?? null, toJson(item.payload), now, now],
  );
  if (rows[0]) return { item: fromRow(scope, rows[0]), isNew: true };
  const [row] = await scope
    .db(t)
    .where({ tenant: scope.tenant, dedupe_key: item.dedupeKey ?? null, status: 'open' })
    .update({ payload: toJson(item.payload), updated_at: now })
    .returning('*');
  return { item: fromRow(scope, row), isNew: false };
}

export interface ReconciliationFilter {
  /** @defaultValue 'open' */
  status?: ReconciliationStatus;
  kind?: ReconciliationKind;
  pipeline?: string;
  recordKey?: string;
  afterId?: number;
  /** @defaultValue 100 */
  limit?: number;
}

export async function listReconciliationItems(scope: Scope, filter: ReconciliationFilter = {}): Promise<ReconciliationItem[]> {
  const q = scope.db(tables.reconciliation).where({ tenant: scope.tenant, status: filter.status ?? 'open' });
  if (filter.kind !== undefined) q.andWhere({ kind: filter.kind });
  if (filter.pipeline !== undefined) q.andWhere({ pipeline: filter.pipeline });
  if (filter.recordKey !== undefined) q.andWhere({ record_key: filter.recordKey });
  if (filter.afterId !== undefined) q.andWhere('id', '>', filter.afterId);
  const rows = await q.orderBy('id').limit(filter.limit ?? 100);
  return rows.map((r: Record<string, unknown>) => fromRow(scope, r));
}

/** Open items per pipeline, for `syncd status`. */
export async function openItemsByPipeline(scope: Scope): Promise<Map<string, number>> {
  const rows = (await scope.db(tables.reconciliation).where({ tenant: scope.tenant, status: 'open' }).groupBy('pipeline').select('pipeline').count({ n: '*' })) as Array<{ pipeline: string; n: number | string }>;
  return new Map(rows.map((r) => [r.pipeline, Number(r.n)]));
}

export async function getReconciliationItem(scope: Scope, id: number): Promise<ReconciliationItem | undefined> {
  const row = await scope.db(tables.reconciliation).where({ tenant: scope.tenant, id }).first();
  return row ? fromRow(scope, row) : undefined;
}

/**
 * Closes an open item with the operator's decision (e.g. `{ take: 'local' }` or a value).
 * Returns false when it was not open.
 */
export async function resolveReconciliationItem(scope: Scope, id: number, resolution: unknown, by: string): Promise<boolean> {
  const now = scope.now();
  const n = await scope
    .db(tables.reconciliation)
    .where({ tenant: scope.tenant, id, status: 'open' })
    .update({ status: 'resolved', resolution: toJson(resolution), resolved_by: by, resolved_at: now, updated_at: now });
  return n > 0;
}
