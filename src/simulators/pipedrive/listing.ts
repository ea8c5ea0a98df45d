/**
 * v2 list paging. The cursor is keyset-based like Pipedrive's own (base64url JSON naming the sort
 * field, its value and the id of the first item of the next page, as in the spec's example
 * `eyJmaWVsZCI6ImlkIiwiZmllbGRWYWx1ZSI6Nywic29ydERpcmVjdGlvbiI6ImFzYyIsImlkIjo3fQ`), so records
 * created or changed between pages never shift a page boundary.
 */
import { ValidationError, type Row } from './records.js';
import type { SortField } from './store.js';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 500;

interface CursorData {
  field: SortField;
  fieldValue: number | string;
  sortDirection: 'asc' | 'desc';
  id: number;
}

export function encodeCursor(field: SortField, direction: 'asc' | 'desc', row: Row): string {
  const data: CursorData = { field, fieldValue: row[field] as number | string, sortDirection: direction, id: row.id };
  return Buffer.from(JSON.stringify(data)).toString('base64url');
}

export function decodeCursor(cursor: string): CursorData {
  try {
    const data = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorData;
    if (typeof data.id !== 'number' || (data.sortDirection !== 'asc' && data.sortDirection !== 'desc')) throw new Error('shape');
    return data;
  } catch {
    throw new ValidationError('Invalid cursor');
  }
}

export function parseLimit(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_LIMIT;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new ValidationError('Validation failed: limit: must be a positive integer');
  if (n > MAX_LIMIT) throw new ValidationError(`Validation failed: limit: must be less than or equal to ${MAX_LIMIT}`);
  return n;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** `updated_since` / `updated_until` are RFC3339; returned normalised to the stored format. */
export function parseTime(raw: string | undefined, name: string): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!RFC3339.test(raw) || Number.isNaN(Date.parse(raw))) throw new ValidationError(`Validation failed: ${name}: must be an RFC3339 date-time`);
  return new Date(Date.parse(raw)).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface Page {
  rows: Row[];
  nextCursor: string | null;
}

/**
 * One page from rows sorted ascending by (`field`, id). `keep` filters; the walk stops as soon as
 * the page is full plus one look-ahead item, so a small page of a large table stays cheap.
 */
export function pageOf(
  sortedAsc: readonly Row[],
  field: SortField,
  direction: 'asc' | 'desc',
  limit: number,
  cursor: string | undefined,
  keep: (row: Row) => boolean,
): Page {
  const after = cursor ? decodeCursor(cursor) : undefined;
  if (after && after.field !== field) throw new ValidationError('Invalid cursor: sort_by differs from the cursor');
  if (after && after.sortDirection !== direction) throw new ValidationError('Invalid cursor: sort_direction differs from the cursor');
  const out: Row[] = [];
  const n = sortedAsc.length;
  let i = direction === 'asc' ? 0 : n - 1;
  const step = direction === 'asc' ? 1 : -1;
  if (after) i = startIndex(sortedAsc, field, direction, after);
  for (; i >= 0 && i < n; i += step) {
    const row = sortedAsc[i] as Row;
    if (!keep(row)) continue;
    if (out.length === limit) return { rows: out, nextCursor: encodeCursor(field, direction, row) };
    out.push(row);
  }
  return { rows: out, nextCursor: null };
}

/** Index of the first row at or past the cursor's (value, id) in walking order (binary search). */
function startIndex(rows: readonly Row[], field: SortField, direction: 'asc' | 'desc', c: CursorData): number {
  const cmp = (row: Row): number => {
    const v = row[field] as number | string;
    if (v < c.fieldValue) return -1;
    if (v > c.fieldValue) return 1;
    return row.id - c.id;
  };
  let lo = 0;
  let hi = rows.length;
  // First index whose key is >= cursor key.
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cmp(rows[mid] as Row) < 0) lo = mid + 1;
    else hi = mid;
  }
  if (direction === 'asc') return lo;
  // Walking down: start at the last index whose key is <= cursor key.
  return lo < rows.length && cmp(rows[lo] as Row) === 0 ? lo : lo - 1;
}

/** Cursor of ranked or short lists (search results, field definitions): an offset. */
export function encodeOffset(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

export function decodeOffset(cursor: string): number {
  try {
    const { offset } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { offset: unknown };
    if (Number.isInteger(offset) && (offset as number) >= 0) return offset as number;
  } catch {
    // An unreadable cursor is answered below like a malformed one.
  }
  throw new ValidationError('Invalid cursor');
}
