/**
 * Writes to a `writable` table of a local database: an upsert by the table's key, so applying the
 * same change twice leaves the same row.
 */
import type { Knex } from 'knex';
import type { TableSpec } from '../spec/types.js';

export interface TableWrite {
  key: string;
  values: Record<string, unknown>;
}

export async function upsertRows(db: Knex, table: string, spec: TableSpec, writes: TableWrite[]): Promise<void> {
  if (writes.length === 0) return;
  const columns = new Set(Object.keys(spec.columns));
  const rows = writes.map((w) => {
    const row: Record<string, unknown> = { [spec.key]: w.key };
    for (const [k, v] of Object.entries(w.values)) {
      if (!columns.has(k)) throw new Error(`table ${table} has no column ${k}`);
      row[k] = v !== null && typeof v === 'object' ? JSON.stringify(v) : v;
    }
    return row;
  });
  // Rows with different column sets cannot share one multi-row upsert.
  const groups = new Map<string, Record<string, unknown>[]>();
  for (const r of rows) {
    const sig = Object.keys(r).sort().join(',');
    let g = groups.get(sig);
    if (!g) groups.set(sig, (g = []));
    g.push(r);
  }
  await db.transaction(async (trx) => {
    for (const g of groups.values()) {
      const merge = Object.keys(g[0] as object).filter((c) => c !== spec.key);
      const q = trx(table).insert(g).onConflict(spec.key);
      await (merge.length ? q.merge(merge) : q.ignore());
    }
  });
}
