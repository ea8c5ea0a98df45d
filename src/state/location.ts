/**
 * Where the state lives, from a store URL:
 * - `postgres://…` or `postgresql://…` → PostgreSQL;
 * - `sqlite:PATH`, `sqlite://PATH`, `file:PATH` or a bare path → a SQLite file;
 * - `:memory:` or `sqlite::memory:` → an in-memory SQLite database (tests, `plan`).
 */
import path from 'node:path';
import { StoreError } from './errors.js';

export const DEFAULT_SQLITE_PATH = '.syncd/state.db';

export type StoreLocation =
  | { dialect: 'postgres'; url: string }
  | { dialect: 'sqlite'; filename: string; memory: boolean };

export function parseStoreUrl(url: string | undefined): StoreLocation {
  const text = (url ?? '').trim();
  if (text === '') return { dialect: 'sqlite', filename: path.resolve(DEFAULT_SQLITE_PATH), memory: false };
  if (/^postgres(ql)?:\/\//i.test(text)) return { dialect: 'postgres', url: text };
  const stripped = text.replace(/^(sqlite|file):(\/\/)?/i, '');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(stripped)) {
    // Only the scheme is shown: the rest may carry a password.
    throw new StoreError('invalid_url', `unsupported store URL scheme "${stripped.split(':')[0]}:" (use postgres:// or a SQLite file path)`);
  }
  if (stripped === ':memory:') return { dialect: 'sqlite', filename: ':memory:', memory: true };
  if (stripped === '') throw new StoreError('invalid_url', 'the SQLite store URL names no file');
  return { dialect: 'sqlite', filename: path.resolve(stripped), memory: false };
}
