/**
 * Claiming work rows (outbox, webhook inbox) so that concurrent workers never take the same row.
 *
 * PostgreSQL: `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)`; rows another worker is
 * claiming are skipped, not waited for. SQLite: the same statement without the locking clause,
 * inside one write transaction (SQLite has a single writer, so it is already exclusive).
 *
 * A claim is a lease: `claimed_until` is when it expires. Rows whose claim expired (their worker
 * died) are taken first, each counting as an attempt, then due pending rows in `next_attempt_at`
 * order. An index on (tenant, status, next_attempt_at, id) serves the second query without a sort.
 */
import { runRaw } from './raw.js';
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
}

export async function claimRows<Row>(scope: Scope, spec: ClaimTable, options: ClaimOptions): Promise<Row[]> {
  const limit = Math.floor(options.limit);
  if (limit <= 0) return [];
  return scope.transaction(async (tx) => {
    const now = tx.now();
    const expired = await claimWhere<Row>(tx, spec, options, now, limit, spec.claimedStatus, 'claimed_until');
    const rest = limit - expired.length;
    const due = rest > 0 ? await claimWhere<Row>(tx, spec, options, now, rest, spec.pendingStatus, 'next_attempt_at') : [];
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
  timeColumn: 'claimed_until' | 'next_attempt_at',
): Promise<Row[]> {
  const lock = scope.dialect === 'postgres' ? 'for update skip locked' : '';
  const touch = spec.hasUpdatedAt ? ', updated_at = ?' : '';
  const extra = spec.where ?? { sql: '', bindings: [] };
  const sql = `update ${spec.table}
    set status = ?, claimed_by = ?, claimed_until = ?, attempts = attempts + 1${touch}
    where tenant = ? and id in (
      select id from ${spec.table}
      where tenant = ? and status = ? and ${timeColumn} <= ? ${extra.sql}
      order by ${timeColumn}, id
      limit ? ${lock})
    returning *`;
  const bindings = [
    spec.claimedStatus,
    options.worker,
    now + Math.max(0, Math.floor(options.leaseMs)),
    ...(spec.hasUpdatedAt ? [now] : []),
    scope.tenant,
    scope.tenant,
    status,
    now,
    ...extra.bindings,
    limit,
  ];
  const { rows } = await runRaw<Row>(scope, sql, bindings);
  return rows;
}
