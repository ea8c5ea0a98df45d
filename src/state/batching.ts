/**
 * Batch sizes for multi-row statements. SQLite's query builder inserts through a compound
 * SELECT, capped at 500 terms, and both engines cap bind parameters (SQLite 32766, PostgreSQL
 * 65535): 500 rows of at most ~20 columns stays under both.
 */
export const ROWS_PER_STATEMENT = 500;
/** Ids per `IN (…)` list. */
export const IDS_PER_STATEMENT = 1000;

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
