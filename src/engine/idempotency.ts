/**
 * Idempotency keys. A write's key is derived from (pipeline, tenant, record, content version),
 * where the content version is a hash of exactly what would be written. Re-reading a record
 * (cursor lookback, a restart, a replay) yields the same key, and the outbox refuses a key it
 * already holds, so a change is written once; a new change yields a new key.
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

export function idempotencyKey(parts: { pipeline: string; tenant: string; recordKey: string; contentVersion: string }): string {
  return createHash('sha256')
    .update(`${parts.pipeline}\u0000${parts.tenant}\u0000${parts.recordKey}\u0000${parts.contentVersion}`)
    .digest('base64url')
    .slice(0, 32);
}
