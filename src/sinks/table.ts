/**
 * Writes to a `writable` table of a local database: an upsert by the table's key (update the
 * row if it exists, insert it otherwise), so applying the same change twice leaves the same row.
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
  // Existing rows are updated and only new ones inserted: an insert of a partial row would trip
  // NOT NULL columns before any ON CONFLICT clause could turn it into an update.
  await db.transaction(async (trx) => {
    const keys = rows.map((r) => r[spec.key] as string);
    const existing = new Set<string>();
    for (let i = 0; i < keys.length; i += 500) {
      const found = (await trx(table).whereIn(spec.key, keys.slice(i, i + 500)).select(spec.key)) as Record<string, unknown>[];
      for (const f of found) existing.add(String(f[spec.key]));
    }
    const inserts: Record<string, unknown>[] = [];
    for (const r of rows) {
      const key = String(r[spec.key]);
      if (!existing.has(key)) {
        inserts.push(r);
        existing.add(key);
        continue;
      }
      const { [spec.key]: _key, ...values } = r;
      if (Object.keys(values).length) await trx(table).where(spec.key, key).update(values);
    }
    if (inserts.length) await trx(table).insert(inserts);
  });
}