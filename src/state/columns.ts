/**
 * The one place where values cross between JavaScript and columns whose storage differs by
 * dialect: JSON (text in SQLite, jsonb in PostgreSQL) and epoch-millisecond integers (PostgreSQL's
 * driver returns int8 as a string to avoid precision loss; our values stay far below 2^53).
 */
import type { Knex } from 'knex';
import type { Dialect } from './dialect.js';

/** Declares a JSON column: `jsonb` on PostgreSQL, `text` on SQLite (never SQLite's NUMERIC-affinity `json`). */
export function jsonColumn(table: Knex.CreateTableBuilder, dialect: Dialect, name: string): Knex.ColumnBuilder {
  return dialect === 'postgres' ? table.jsonb(name) : table.text(name);
}

/**
 * Encodes a value for a JSON column. Always a string: handing an array to the pg driver would
 * turn it into a PostgreSQL array literal.
 */
export function toJson(value: unknown): string | null {
  if (value === undefined) return null;
  const text = JSON.stringify(value);
  // JSON.stringify writes a lone surrogate (a string cut inside an emoji) and a NUL as `\udXXX`
  // and `\u0000` escapes, which PostgreSQL refuses, failing the whole statement (and with it a
  // page of records or a webhook delivery). Both stores keep such strings with U+FFFD instead.
  // The check is a substring search; the slow path runs only when the text has one of them.
  return text.includes('\\ud') || text.includes('\\u0000') ? JSON.stringify(storableDeep(value)) : text;
}

/** A string PostgreSQL can store: lone surrogates and NUL characters replaced by U+FFFD. */
export function storableText(s: string): string {
  const wellFormed = (s as string & { toWellFormed(): string }).toWellFormed();
  return wellFormed.includes('\u0000') ? wellFormed.replaceAll('\u0000', '\ufffd') : wellFormed;
}

/** `value` with `storableText` applied to every string in it, object keys included. */
function storableDeep(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) return value.map(storableDeep);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [storableText(k), storableDeep(v)]));
  }
  return value;
}

/** Decodes a JSON column read back from either dialect. */
export function fromJson<T = unknown>(dialect: Dialect, raw: unknown): T {
  if (raw === null || raw === undefined) return null as T;
  // pg has already parsed jsonb (a JSON string value arrives as a JS string and must stay one).
  if (dialect === 'postgres') return raw as T;
  return JSON.parse(String(raw)) as T;
}

/** Reads an integer column (ids, epoch milliseconds, counts) from either dialect. */
export function toNumber(raw: unknown): number {
  return typeof raw === 'number' ? raw : Number(raw);
}

export function toNumberOrNull(raw: unknown): number | null {
  return raw === null || raw === undefined ? null : toNumber(raw);
}
