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
