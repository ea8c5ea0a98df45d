/**
 * Claiming work rows (outbox, webhook inbox) so that concurrent workers never take the same row.
 *
 * PostgreSQL: `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)`; rows another worker is
 * claiming are skipped, not waited for. SQLite: the same statement without the locking clause,
 * inside one write transaction (SQLite has a single writer, so it is already exclusive).
 *
 * A claim is a lease: `claimed_until` is when it expires, and `next_attempt_at` is set to the
 * same time. Rows whose claim expired (their worker died) are taken first, each counting as an
 * attempt, then due pending rows in `next_attempt_at` order; the one index on
 * (tenant, status, next_attempt_at, id) serves both without a sort.
 */
import { IDS_PER_STATEMENT, chunks } from './batching.js';
import { placeholders, runRaw } from './raw.js';
import type { Scope } from './scope.js';

export interface ClaimOptions {
  /** Most rows to claim. */
  limit: number;
  /** Identifies the claiming worker (stored in `claimed_by`). */
  worker: string;
  /** How long the claim lasts before another worker may take the rows over. */
  leaseMs: number;
}

export interface ClaimTable {
  table: string;
  pendingStatus: string;
  claimedStatus: string;
  hasUpdatedAt: boolean;
  /** Extra conditions on candidate rows (`and …`), with their bindings. */
  where?: { sql: string; bindings: unknown[] };
  /** Extra conditions on pending rows only, not on expired claims being taken over. */
  pendingWhere?: { sql: string; bindings: unknown[] };
  /**
   * The columns returned besides the claim's own (status, claim, due time, attempts, updated_at,
   * which the claim sets). Each column read costs on the hot path.
   * @defaultValue every column
   */
  columns?: readonly string[];
}

export async function claimRows<Row>(scope: Scope, spec: ClaimTable, options: ClaimOptions): Promise<Row[]> {
  const limit = Math.floor(options.limit);
  if (limit <= 0) return [];
  return scope.transaction(async (tx) => {
    const now = tx.now();
    const expired = await claimWhere<Row>(tx, spec, options, now, limit, spec.claimedStatus);
    const rest = limit - expired.length;
    const due = rest > 0 ? await claimWhere<Row>(tx, spec, options, now, rest, spec.pendingStatus) : [];
    return [...expired, ...due].sort((a, b) => Number((a as { id: unknown }).id) - Number((b as { id: unknown }).id));
  });
}

async function claimWhere<Row>(
  scope: Scope,
  spec: ClaimTable,
  options: ClaimOptions,
  now: number,
  limit: number,
  status: string,
): Promise<Row[]> {
  const touch = spec.hasUpdatedAt ? ', updated_at = ?' : '';
  const conditions = [spec.where, status === spec.pendingStatus ? spec.pendingWhere : undefined].filter((c) => c !== undefined);
  const extra = { sql: conditions.map((c) => c.sql).join(' '), bindings: conditions.flatMap((c) => c.bindings) };
  // next_attempt_at doubles as "reclaimable at" while in flight, so one index serves both queries.
  const set = `set status = ?, claimed_by = ?, claimed_until = ?, next_attempt_at = ?, attempts = attempts + 1${touch}`;
  const pick = (columns: string) => `select ${columns} from ${spec.table}
      where tenant = ? and status = ? and next_attempt_at <= ? ${extra.sql}
      order by next_attempt_at, id
      limit ?`;
  const until = now + Math.max(0, Math.floor(options.leaseMs));
  const setBindings = [spec.claimedStatus, options.worker, until, until, ...(spec.hasUpdatedAt ? [now] : [])];
  const pickBindings = [scope.tenant, status, now, ...extra.bindings, limit];
  if (scope.dialect === 'postgres') {
    // PostgreSQL may re-run an `in (subquery … limit)` per outer row and so update more than
    // `limit` rows; a materialized CTE picks (and locks) the rows exactly once.
    const sql = `with picked as materialized (${pick('id')} for update skip locked)
         update ${spec.table} as t ${set}
         from picked where t.tenant = ? and t.id = picked.id
         returning t.*`;
    const { rows } = await runRaw<Row>(scope, sql, [...pickBindings, ...setBindings, scope.tenant]);
    return rows;
  }
  // SQLite: inside the caller's write transaction nobody else can claim, so read the rows, then
  // mark them. `update … returning *` would do both, but SQLite's RETURNING costs more per row
  // than the update itself.
  const columns = spec.columns ? ['id', 'attempts', ...spec.columns.filter((c) => c !== 'id' && c !== 'attempts')].join(', ') : '*';
  const picked = (await runRaw<Row>(scope, pick(columns), pickBindings)).rows;
  for (const part of chunks(picked, IDS_PER_STATEMENT)) {
    const ids = part.map((r) => (r as { id: unknown }).id);
    // `+tenant` keeps SQLite from scanning the tenant's rows through an index instead of looking up the ids.
    await runRaw(scope, `update ${spec.table} ${set} where +tenant = ? and id in (${placeholders(ids.length)})`, [...setBindings, scope.tenant, ...ids]);
  }
  for (const r of picked) {
    const row = r as Record<string, unknown>;
    row.tenant = scope.tenant;
    row.status = spec.claimedStatus;
    row.claimed_by = options.worker;
    row.claimed_until = until;
    row.next_attempt_at = until;
    row.attempts = Number(row.attempts) + 1;
    if (spec.hasUpdatedAt) row.updated_at = now;
  }
  return picked;
}
