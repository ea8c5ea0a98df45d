import { createHash } from 'node:crypto';

export interface IdempotencyParts {
  pipeline: string;
  /** The target connection: the same record version written to two CRMs is two writes. */
  connection: string;
  recordKey: string;
  /** Changes whenever the content to write changes (a hash of the mapped payload, a version number). */
  contentVersion: string;
}

/**
 * The idempotency key of one outbound write. Deterministic, so re-reading the same source records
 * after a crash yields the same keys and the outbox drops the duplicates. Hex, so it also fits
 * vendor idempotency headers.
 */
export function deriveIdempotencyKey(parts: IdempotencyParts): string {
  const h = createHash('sha256');
  for (const part of [parts.pipeline, parts.connection, parts.recordKey, parts.contentVersion]) {
    // Length-prefixed so ('a:b','c') and ('a','b:c') never collide.
    h.update(`${part.length}:${part}`);
  }
  return h.digest('hex').slice(0, 40);
}
