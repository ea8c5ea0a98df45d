/**
 * Content versions: a hash of exactly what a write would send. With the pipeline, connection and
 * record it forms the write's idempotency key (`deriveIdempotencyKey` in the store), so re-reading
 * a record (cursor lookback, a restart, a replay) yields the same key and the outbox refuses it,
 * while a real change yields a new one.
 */
import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so equal content always hashes equally. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value as object).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

export function contentVersion(payload: unknown): string {
  return createHash('sha256').update(canonicalJson(payload)).digest('base64url').slice(0, 22);
}
