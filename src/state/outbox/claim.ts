import { claimRows, type ClaimOptions } from '../claiming.js';
import type { Dialect } from '../dialect.js';
import type { Scope } from '../scope.js';
import { tables } from '../tables.js';
import { outboxRowFrom, type OutboxRow } from './rows.js';

export interface OutboxClaimOptions extends ClaimOptions {
  /** Only rows for this connection. */
  connection?: string;
  /** Only rows of this pipeline. */
  pipeline?: string;
}

/**
 * A pending write waits while a write of its record is in flight (always an older one: a newer
 * write supersedes the older ones still pending). Each store gets the form it runs well:
 * - PostgreSQL hashes the few in-flight rows once per claim for the row-value `not in`; it plans
 *   the `not exists` form as an anti-join over the whole outbox, ten times slower on a backfill;
 * - SQLite runs the row-value `not in` at about 25 µs per candidate, six times the cost of reading
 *   the row, and `not exists` as one probe of the per-record index.
 */
const NOT_BEHIND_IN_FLIGHT: Record<Dialect, string> = {
  postgres: `and (pipeline, record_key) not in (select pipeline, record_key from ${tables.outbox} where tenant = ? and status = 'in_flight')`,
  sqlite: `and not exists (select 1 from ${tables.outbox} as flying
    where flying.tenant = ? and flying.pipeline = ${tables.outbox}.pipeline
      and flying.record_key = ${tables.outbox}.record_key and flying.status = 'in_flight')`,
};

/**
 * Claims up to `limit` due writes for `worker` until now + `leaseMs`; several workers (processes
 * sharing PostgreSQL) never receive the same row. Rows of connections marked `needs_reconnect`
 * are never claimed, even ones enqueued after the connection was paused. A write waits while an
 * older write of its record is in flight, so one record's versions reach the target in order.
 */
export async function claimBatch(scope: Scope, options: OutboxClaimOptions): Promise<OutboxRow[]> {
  let sql = `and connection not in (select connection from ${tables.connections} where tenant = ? and status = 'needs_reconnect')`;
  const bindings: unknown[] = [scope.tenant];
  if (options.connection !== undefined) {
    sql += ' and connection = ?';
    bindings.push(options.connection);
  }
  if (options.pipeline !== undefined) {
    sql += ' and pipeline = ?';
    bindings.push(options.pipeline);
  }
  const rows = await claimRows<Record<string, unknown>>(
    scope,
    {
      table: tables.outbox,
      pendingStatus: 'pending',
      claimedStatus: 'in_flight',
      hasUpdatedAt: true,
      where: { sql, bindings },
      pendingWhere: { sql: NOT_BEHIND_IN_FLIGHT[scope.dialect], bindings: [scope.tenant] },
      columns: ['idempotency_key', 'pipeline', 'connection', 'operation', 'object', 'record_key', 'payload', 'content_version', 'correlation_id', 'last_error_class', 'last_error', 'created_at'],
    },
    options,
  );
  return rows.map((r) => outboxRowFrom(scope.dialect, r));
}
