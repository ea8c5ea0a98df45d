/**
 * The `table` source: changed rows of a local table, in cursor order, page by page. Pages use
 * keyset pagination on (cursor column, key) so ties on the cursor value are never skipped, and each
 * poll starts `lookback` before the committed cursor so late commits are caught; re-read rows
 * produce the same idempotency keys and are not written twice.
 */
import type { Knex } from 'knex';
import type { TableSpec } from '../spec/types.js';

export interface TablePosition {
  /** Cursor column value of the last row handed on. */
  value: string | number;
  /** Key of that row, to break ties. */
  key: string | number;
}

export interface SourceRow {
  key: string;
  fields: Record<string, unknown>;
  /** The position right after this row. */
  position: TablePosition;
}

export interface TableReadOptions {
  table: string;
  spec: TableSpec;
  cursorField: string;
  pageSize: number;
}

/** Moves a cursor value back by `ms`, in the value's own form (ISO text or a number). */
export function rewind(value: string | number, ms: number): string | number {
  if (typeof value === 'number') return value > 1e11 ? value - ms : value - Math.ceil(ms / 1000);
  const t = Date.parse(value);
  if (Number.isNaN(t)) return value;
  return new Date(t - ms).toISOString();
}

/** Timestamps as stored: SQLite rows often hold ISO text; PostgreSQL returns Date objects. */
function cursorValue(v: unknown): string | number {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'number' || typeof v === 'string') return v;
  return String(v);
}

function normalise(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = v instanceof Date ? v.toISOString() : v;
  return out;
}

function sourceRows(rows: Record<string, unknown>[], key: string, cursorField: string): SourceRow[] {
  return rows.map((r) => ({
    key: String(r[key]),
    fields: normalise(r),
    position: { value: cursorValue(r[cursorField]), key: r[key] as string | number },
  }));
}

/** The rows whose `column` (the table's key unless told) holds one of these values, wherever they are in cursor order. */
export async function readTableRows(db: Knex, opts: Omit<TableReadOptions, 'pageSize'>, keys: readonly string[], column = opts.spec.key): Promise<SourceRow[]> {
  const rows = (await db(opts.table).select(Object.keys(opts.spec.columns)).whereIn(column, [...keys])) as Record<string, unknown>[];
  return sourceRows(rows, opts.spec.key, opts.cursorField);
}

/** Reads one page after `after` (exclusive) or from `from` (inclusive) when starting a poll. */
export async function readTablePage(
  db: Knex,
  opts: TableReadOptions,
  start: { after?: TablePosition; from?: string | number },
): Promise<SourceRow[]> {
  const { table, spec, cursorField, pageSize } = opts;
  const key = spec.key;
  const q = db(table).select(Object.keys(spec.columns));
  if (start.after) {
    const a = start.after;
    // `c >= v and (c > v or key > k)` rather than `c > v or (c = v and key > k)`: the same rows,
    // but the leading range lets an index on the cursor column start at `v`. Written as a bare OR,
    // SQLite scans the index from its first entry on every page, so a backfill grows quadratically.
    q.where(cursorField, '>=', a.value).andWhere((w) => w.where(cursorField, '>', a.value).orWhere(key, '>', a.key));
  } else if (start.from !== undefined) {
    q.where(cursorField, '>=', start.from);
  }
  const rows = (await q.orderBy([{ column: cursorField }, { column: key }]).limit(pageSize)) as Record<string, unknown>[];
  return sourceRows(rows, key, cursorField);
}
