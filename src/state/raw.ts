/**
 * Raw statements for the few places the query builder cannot express (SKIP LOCKED claims,
 * conditional upserts, token-bucket arithmetic). Normalises what each driver returns.
 */
import type { Knex } from 'knex';
import type { Scope } from './scope.js';

export interface RawResult<Row> {
  rows: Row[];
  /** Rows changed (for statements without RETURNING). */
  count: number;
}

export async function runRaw<Row = Record<string, unknown>>(
  scope: Scope,
  sql: string,
  bindings: readonly unknown[] = [],
): Promise<RawResult<Row>> {
  if (scope.dialect === 'sqlite' && scope.inTransaction) return runOnSqliteConnection<Row>(scope, sql, bindings);
  const result: unknown = await scope.db.raw(sql, bindings as readonly Knex.RawBinding[]);
  if (Array.isArray(result)) return { rows: result as Row[], count: result.length };
  const r = result as { rows?: Row[]; rowCount?: number | null; changes?: number };
  if (r.rows) return { rows: r.rows, count: r.rowCount ?? r.rows.length };
  return { rows: [], count: r.changes ?? 0 };
}

/** `?, ?, ?` for an IN list of `n` values. */
export function placeholders(n: number): string {
  return new Array<string>(n).fill('?').join(', ');
}

interface SqliteStatement {
  reader: boolean;
  all(params: unknown[]): unknown[];
  run(params: unknown[]): { changes: number };
}

/**
 * Inside a transaction the SQLite connection is this scope's alone, so a statement runs on it
 * directly: knex's raw path rescans the SQL for every `?` and copies the bindings, which on the
 * hot path's multi-row statements costs as much as SQLite executing them. Statements are still
 * reported as knex `query` events, like every other query of the store.
 */
async function runOnSqliteConnection<Row>(scope: Scope, sql: string, bindings: readonly unknown[]): Promise<RawResult<Row>> {
  const client = (scope.db as Knex.Transaction).client as unknown as { acquireConnection(): Promise<{ prepare(sql: string): SqliteStatement }>; emit(event: string, data: unknown): void };
  const connection = await client.acquireConnection();
  client.emit('query', { sql, bindings, method: 'raw' });
  const params = bindings.map((b) => (b instanceof Date ? b.valueOf() : typeof b === 'boolean' ? Number(b) : b === undefined ? null : b));
  const statement = connection.prepare(sql);
  if (statement.reader) {
    const rows = statement.all(params) as Row[];
    return { rows, count: rows.length };
  }
  return { rows: [], count: statement.run(params).changes };
}
