import { correctBudget, defineBudget, getBudget, takeTokens } from '../../src/state/index.js';
import { backends, useStore } from './harness.js';

const key = { connection: 'hubspot', bucket: 'default' };
const policy = { capacity: 10, refillPerSecond: 2 };

describe.each(backends)('rate budgets on %s', (backend) => {
  const h = useStore(backend);

  it('grant until empty, then say how long to wait, and refill over time', async () => {
    const t = h.tenant();
    for (let i = 0; i < 5; i++) expect(await takeTokens(t, key, 2, policy)).toEqual({ granted: true, remaining: 8 - 2 * i });
    expect(await takeTokens(t, key, 1, policy)).toEqual({ granted: false, waitMs: 500 });
    expect(await takeTokens(t, key, 3, policy)).toEqual({ granted: false, waitMs: 1500 });
    h.clock.advance(500);
    expect(await takeTokens(t, key, 1, policy)).toEqual({ granted: true, remaining: 0 });
    h.clock.advance(60_000);
    // Never more than the capacity, however long it rested.
    expect(await takeTokens(t, key, 1, policy)).toEqual({ granted: true, remaining: 9 });
  });

  it('refuse a request larger than the bucket', async () => {
    await expect(takeTokens(h.tenant(), key, 11, policy)).rejects.toThrow(/capacity is 10/);
  });

  it('keep separate buckets per name', async () => {
    const t = h.tenant();
    await takeTokens(t, key, 10, policy);
    expect(await takeTokens(t, { ...key, bucket: 'search' }, 1, { capacity: 4, refillPerSecond: 4 })).toEqual({ granted: true, remaining: 3 });
  });

  it('lower the bucket to the vendor’s remaining count, never raise it', async () => {
    const t = h.tenant();
    await defineBudget(t, key, policy);
    await correctBudget(t, key, { remaining: 3 });
    expect((await getBudget(t, key))?.tokens).toBe(3);
    await correctBudget(t, key, { remaining: 9 });
    expect((await getBudget(t, key))?.tokens).toBe(3);
  });

  it('block until the vendor’s reset when it says nothing remains', async () => {
    const t = h.tenant();
    await defineBudget(t, key, policy);
    await correctBudget(t, key, { remaining: 0, resetAt: h.clock.now + 7_000 });
    expect(await takeTokens(t, key, 1, policy)).toEqual({ granted: false, waitMs: 7_000 });
    h.clock.advance(7_000);
    expect(await takeTokens(t, key, 1, policy)).toMatchObject({ granted: true });
  });

  it('empty and block on Retry-After', async () => {
    const t = h.tenant();
    await defineBudget(t, key, policy);
    await correctBudget(t, key, { retryAfterMs: 2_000 });
    expect(await takeTokens(t, key, 1, policy)).toEqual({ granted: false, waitMs: 2_000 });
    h.clock.advance(2_000);
    // Refilled for the blocked time only: 2 s × 2/s = 4 tokens.
    expect(await takeTokens(t, key, 4, policy)).toEqual({ granted: true, remaining: 0 });
  });

  it('apply a changed policy without exceeding the new capacity', async () => {
    const t = h.tenant();
    await defineBudget(t, key, policy);
    await defineBudget(t, key, { capacity: 4, refillPerSecond: 1 });
    expect(await getBudget(t, key)).toMatchObject({ capacity: 4, refillPerSecond: 1, tokens: 4 });
  });
});

describe('a rate budget shared by several processes on postgres', () => {
  const h = useStore('postgres');

  it('grants exactly its capacity across concurrent workers', async () => {
    const stores = Array.from({ length: 4 }, () => h.open({ poolMax: 3 }));
    const shared = { capacity: 100, refillPerSecond: 0 };
    const results = await Promise.all(
      stores.flatMap((s) => Array.from({ length: 40 }, () => takeTokens(s.forTenant('shared'), key, 1, shared))),
    );
    expect(results.filter((r) => r.granted)).toHaveLength(100);
    expect((await getBudget(h.store.forTenant('shared'), key))?.tokens).toBe(0);
  });
});
