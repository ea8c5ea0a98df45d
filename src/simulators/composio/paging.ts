/**
 * Cursor paging of Composio list endpoints: `{items, next_cursor, total_pages, current_page,
 * total_items}`. The cursor is opaque to clients; here it encodes an offset (the real encoding is
 * UNCONFIRMED). Default and maximum page sizes are UNCONFIRMED too.
 */
import { badRequest } from './errors.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 1000;

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
  total_pages: number;
  current_page: number;
  total_items: number;
}

export function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const m = /^o:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw badRequest(`Invalid cursor: ${cursor}`);
  return Number(m[1]);
}

export function parseLimit(raw: unknown): number {
  if (raw === undefined || raw === null || raw === '') return DEFAULT_PAGE_SIZE;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw badRequest(`limit must be a positive integer, got ${String(raw)}`);
  return Math.min(n, MAX_PAGE_SIZE);
}

export function paginate<T, U>(all: T[], rawLimit: unknown, rawCursor: unknown, view: (item: T) => U): Page<U> {
  const limit = parseLimit(rawLimit);
  const offset = typeof rawCursor === 'string' && rawCursor !== '' ? decodeCursor(rawCursor) : 0;
  const items = all.slice(offset, offset + limit).map(view);
  const next = offset + limit < all.length ? encodeCursor(offset + limit) : null;
  return {
    items,
    next_cursor: next,
    total_pages: Math.max(1, Math.ceil(all.length / limit)),
    current_page: Math.floor(offset / limit) + 1,
    total_items: all.length,
  };
}

/**
 * A list-valued query parameter: the official client sends arrays comma-separated
 * (`statuses=ACTIVE,EXPIRED`); repeated keys and `name[]` are accepted as well.
 */
export function queryList(query: Record<string, unknown>, name: string): string[] | undefined {
  const raw = query[name] ?? query[`${name}[]`];
  if (raw === undefined || raw === null || raw === '') return undefined;
  const parts = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => String(v).split(','));
  const out = parts.map((s) => s.trim()).filter((s) => s !== '');
  return out.length > 0 ? out : undefined;
}
