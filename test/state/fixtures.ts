import { deriveIdempotencyKey, type OutboxWrite } from '../../src/state/index.js';

/** `n` outbox writes for records q-<from>…, keyed the way the engine keys them. */
export function writes(n: number, from = 0, overrides: Partial<OutboxWrite> = {}): OutboxWrite[] {
  return Array.from({ length: n }, (_, i) => {
    const recordKey = `q-${from + i}`;
    const parts = { pipeline: 'quotes', connection: 'hubspot', recordKey, contentVersion: 'v1', ...overrides };
    return {
      idempotencyKey: deriveIdempotencyKey(parts),
      operation: 'upsert',
      object: 'deal',
      payload: { amount: from + i, tags: ['a', 'b'] },
      ...parts,
    };
  });
}
