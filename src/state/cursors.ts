/**
 * Source cursors: how far each pipeline's source has been read. A cursor must only move forward
 * together with the outbox rows it covers, so callers commit it inside the same transaction as
 * `enqueueOutbox` (see store.transaction).
 */
import { fromJson, toJson, toNumber } from './columns.js';
import type { Scope } from './scope.js';
import { tables } from './tables.js';

export interface CursorKey {
  pipeline: string;
  /** The source within the pipeline (a pipeline may read several). */
  source: string;
}

export interface Cursor<V = unknown> extends CursorKey {
  /** Any JSON value the source understands (a timestamp, an offset, a replay id…). */
  value: V;
  updatedAt: number;
}

export async function commitCursor(scope: Scope, key: CursorKey, value: unknown): Promise<void> {
  const now = scope.now();
  await scope
    .db(tables.cursors)
    .insert({ tenant: scope.tenant, pipeline: key.pipeline, source: key.source, value: toJson(value), updated_at: now })
    .onConflict(['tenant', 'pipeline', 'source'])
    .merge(['value', 'updated_at']);
}

export async function getCursor<V = unknown>(scope: Scope, key: CursorKey): Promise<Cursor<V> | undefined> {
  const row = await scope
    .db(tables.cursors)
    .where({ tenant: scope.tenant, pipeline: key.pipeline, source: key.source })
    .first();
  if (!row) return undefined;
  return { pipeline: row.pipeline, source: row.source, value: fromJson<V>(scope.dialect, row.value), updatedAt: toNumber(row.updated_at) };
}

export async function listCursors(scope: Scope, filter: { pipeline?: string } = {}): Promise<Cursor[]> {
  const q = scope.db(tables.cursors).where({ tenant: scope.tenant });
  if (filter.pipeline !== undefined) q.andWhere({ pipeline: filter.pipeline });
  const rows = await q.orderBy(['pipeline', 'source']);
  return rows.map((row) => ({
    pipeline: row.pipeline,
    source: row.source,
    value: fromJson(scope.dialect, row.value),
    updatedAt: toNumber(row.updated_at),
  }));
}

/** Forgets a pipeline's cursors (backfill from scratch); returns how many were removed. */
export async function resetCursors(scope: Scope, pipeline: string, source?: string): Promise<number> {
  const q = scope.db(tables.cursors).where({ tenant: scope.tenant, pipeline });
  if (source !== undefined) q.andWhere({ source });
  return q.del();
}
