/** Ports over a local SQL table: the `table` source and a writable table as target. */
import type { Knex } from 'knex';
import type { TableSpec } from '../../spec/types.js';
import { readTablePage, readTableRows, rewind, type SourceRow, type TablePosition } from '../../sources/table.js';
import { upsertRows } from '../../sinks/table.js';
import type { SourcePage, SourcePort, SourceRecord, TargetPort, TargetSnapshot, TargetWrite, WriteOutcome } from '../ports.js';

export interface TableSourceOptions {
  db: Knex;
  table: string;
  spec: TableSpec;
  cursorField: string;
  lookbackMs: number;
  /** Where the very first poll starts (ISO), if not from the beginning. */
  start?: string;
  /** Rows per page: bounds memory whatever the size of a backfill. Default: 1000. */
  pageSize?: number;
  /**
   * The column holding the pipeline's record keys (its `key`) when that is not the table's key:
   * `records()` is asked for records by those keys (an operator's review decisions).
   */
  recordKeyColumn?: string;
}

function later(a: TablePosition, b: TablePosition | undefined): TablePosition {
  if (!b) return a;
  if (a.value > b.value || (a.value === b.value && String(a.key) > String(b.key))) return a;
  return b;
}

export function tableSource(opts: TableSourceOptions): SourcePort {
  const pageSize = opts.pageSize ?? 1000;
  const read = { table: opts.table, spec: opts.spec, cursorField: opts.cursorField, pageSize };
  const toRecord = (r: SourceRow): SourceRecord => ({ key: r.key, fields: r.fields, ...(typeof r.fields[opts.cursorField] === 'string' ? { updatedAt: r.fields[opts.cursorField] as string } : {}) });
  return {
    async *pages(cursor: unknown, signal: AbortSignal): AsyncIterable<SourcePage> {
      const committed = cursor as TablePosition | undefined;
      // Each poll starts `lookback` before the committed cursor; re-read rows dedupe in the outbox.
      let start: { after?: TablePosition; from?: string | number } = committed ? { from: rewind(committed.value, opts.lookbackMs) } : opts.start ? { from: opts.start } : {};
      let high = committed;
      while (!signal.aborted) {
        const rows = await readTablePage(opts.db, read, start);
        if (rows.length === 0) return;
        const last = (rows[rows.length - 1] as (typeof rows)[number]).position;
        high = later(last, high);
        yield { records: rows.map(toRecord), cursor: high };
        if (rows.length < pageSize) return;
        start = { after: last };
      }
    },
    async records(keys: string[]): Promise<SourceRecord[]> {
      return (await readTableRows(opts.db, read, keys, opts.recordKeyColumn)).map(toRecord);
    },
  };
}

export interface TableTargetOptions {
  db: Knex;
  connector: string;
  table: string;
  spec: TableSpec;
  /** Column holding the row's modification time (the column a table source polls by), if any. */
  updatedAtColumn?: string;
}

function isoOf(v: unknown): string | undefined {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return v;
  return undefined;
}

export function tableTarget(opts: TableTargetOptions): TargetPort {
  const { db, table, spec } = opts;
  /** Writes the rows in one transaction; the failure, classified, if it rolled back. */
  const upsert = async (rows: Array<{ key: string; values: Record<string, unknown> }>): Promise<Extract<WriteOutcome, { ok: false }> | undefined> => {
    try {
      await upsertRows(db, table, spec, rows);
      return undefined;
    } catch (err) {
      // knex prefixes the driver's message with the whole statement; keep only the reason.
      const full = err instanceof Error ? err.message : String(err);
      const message = full.includes(' - ') ? full.slice(full.lastIndexOf(' - ') + 3) : full.slice(0, 300);
      // Constraint violations are the record's fault; anything else (a locked or unreachable database) is transient.
      const errorClass = /constraint|not null|check/i.test(message) ? 'mapping' : 'transient';
      return { ok: false, errorClass, message: `${table}: ${message}` };
    }
  };
  return {
    connector: opts.connector,
    object: table,
    maxBatch: () => 500,
    async write(writes: TargetWrite[]): Promise<WriteOutcome[]> {
      const outcomes: WriteOutcome[] = [];
      const valid: Array<{ key: string; values: Record<string, unknown> }> = [];
      const index: number[] = [];
      writes.forEach((w, i) => {
        const key = w.remoteId ?? w.recordKey;
        const unknown = Object.keys(w.values).filter((c) => !spec.columns[c]);
        if (unknown.length) outcomes[i] = { ok: false, errorClass: 'mapping', message: `table ${table} has no column ${unknown.join(', ')}` };
        else {
          valid.push({ key, values: w.values });
          index.push(i);
        }
      });
      const failure = await upsert(valid);
      if (!failure) index.forEach((i, n) => (outcomes[i] = { ok: true, remoteId: valid[n]?.key as string }));
      else if (failure.errorClass === 'mapping' && valid.length > 1) {
        // One row breaking a constraint rolls back the whole batch: each row is written alone,
        // so only the rows at fault fail and the others are written.
        for (const [n, row] of valid.entries()) {
          const own = await upsert([row]);
          outcomes[index[n] as number] = own ?? { ok: true, remoteId: row.key };
        }
      } else index.forEach((i) => (outcomes[i] = failure));
      return outcomes;
    },
    async read(keys: string[]): Promise<Map<string, TargetSnapshot>> {
      const rows = (await db(table).select(Object.keys(spec.columns)).whereIn(spec.key, keys)) as Record<string, unknown>[];
      return new Map(
        rows.map((r) => {
          const updatedAt = opts.updatedAtColumn ? isoOf(r[opts.updatedAtColumn]) : undefined;
          return [String(r[spec.key]), { fields: r, ...(updatedAt ? { updatedAt } : {}) }];
        }),
      );
    },
  };
}
