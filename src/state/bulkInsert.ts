/**
 * Multi-row inserts written directly: `insert … values (…), (…) [on conflict …] [returning …]`.
 * The query builder compiles a 500-row insert slower than SQLite executes it (and on SQLite emits
 * a compound SELECT); the hot paths (outbox, deliveries, audit, inbox) insert through this instead.
 */
import type { Knex } from 'knex';
import { ROWS_PER_STATEMENT, chunks } from './batching.js';
import { runRaw } from './raw.js';
import type { Scope } from './scope.js';

export interface BulkInsert<Row> {
  table: string;
  columns: readonly string[];
  /** One value per column, in `columns` order. */
  values: (row: Row) => readonly unknown[];
  /** e.g. `on conflict (tenant, pipeline, record_key, idempotency_key) do nothing` */
  onConflict?: string;
  /** e.g. `id, idempotency_key` */
  returning?: string;
}

export async function bulkInsert<Row, Out = Record<string, unknown>>(
  scope: Scope,
  spec: BulkInsert<Row>,
  rows: readonly Row[],
): Promise<Out[]> {
  const out: Out[] = [];
  const tuple = `(${spec.columns.map(() => '?').join(', ')})`;
  const head = `insert into ${spec.table} (${spec.columns.join(', ')}) values `;
  const tail = `${spec.onConflict ? ` ${spec.onConflict}` : ''}${spec.returning ? ` returning ${spec.returning}` : ''}`;
  for (const part of chunks(rows, ROWS_PER_STATEMENT)) {
    const bindings: unknown[] = [];
    for (const row of part) {
      const values = spec.values(row);
      for (const v of values) bindings.push(v === undefined ? null : v);
    }
    const sql = head + new Array<string>(part.length).fill(tuple).join(', ') + tail;
    const { rows: returned } = await runRaw<Out>(scope, sql, bindings as Knex.RawBinding[]);
    out.push(...returned);
  }
  return out;
}
