import {
  claimBatch,
  commitCursor,
  completeOutbox,
  deriveIdempotencyKey,
  enqueueOutbox,
  failOutbox,
  getCursor,
  getOutboxRow,
  listDeliveries,
  listOutbox,
  queueDepth,
  recordDeliveries,
  retryLater,
  type Scope,
} from '../../src/state/index.js';
import { writes } from './fixtures.js';
import { backends, useStore } from './harness.js';

describe.each(backends)('outbox on %s', (backend) => {
  const h = useStore(backend);

  it('enqueues a write once per idempotency key and reports which were new', async () => {
    const t = h.tenant();
    const first = await enqueueOutbox(t, writes(3));
    expect(first.inserted.map((r) => r.idempotencyKey)).toEqual(writes(3).map((w) => w.idempotencyKey));
    expect(first.duplicates).toEqual([]);
    const again = await enqueueOutbox(t, [...writes(2, 2), ...writes(1, 2)]);
    expect(again.inserted.map((r) => r.idempotencyKey)).toEqual([writes(1, 3)[0]!.idempotencyKey]);
    expect(again.duplicates).toEqual([writes(1, 2)[0]!.idempotencyKey, writes(1, 2)[0]!.idempotencyKey]);
    expect((await listOutbox(t)).length).toBe(4);
    const twiceInOneCall = await enqueueOutbox(t, [...writes(1, 9), ...writes(1, 9)]);
    expect(twiceInOneCall.inserted).toHaveLength(1);
    expect(twiceInOneCall.duplicates).toEqual([writes(1, 9)[0]!.idempotencyKey]);
  });

  it('derives distinct keys per connection and content version, stable otherwise', () => {
    const base = { pipeline: 'p', connection: 'hubspot', recordKey: 'r', contentVersion: '1' };
    expect(deriveIdempotencyKey(base)).toBe(deriveIdempotencyKey({ ...base }));
    expect(deriveIdempotencyKey(base)).not.toBe(deriveIdempotencyKey({ ...base, connection: 'salesforce' }));
    expect(deriveIdempotencyKey(base)).not.toBe(deriveIdempotencyKey({ ...base, contentVersion: '2' }));
    expect(deriveIdempotencyKey({ ...base, pipeline: 'a:b', connection: 'c' })).not.toBe(
      deriveIdempotencyKey({ ...base, pipeline: 'a', connection: 'b:c' }),
    );
  });

  it('enqueues large batches in chunks and keeps JSON payloads intact', async () => {
    const t = h.tenant();
    const res = await enqueueOutbox(t, writes(1234));
    expect(res.inserted).toHaveLength(1234);
    expect(new Set(res.inserted.map((r) => r.id)).size).toBe(1234);
    const row = await getOutboxRow(t, res.inserted[1000]!.id);
    expect(row).toMatchObject({ recordKey: 'q-1000', payload: { amount: 1000, tags: ['a', 'b'] }, status: 'pending', attempts: 0 });
    expect((await queueDepth(t)).byStatus.pending).toBe(1234);
  });

  it('claims due rows in order, completes them, and never hands them out twice', async () => {
    const t = h.tenant();
    await enqueueOutbox(t, writes(5));
    await enqueueOutbox(t, writes(1, 5).map((w) => ({ ...w, notBefore: h.clock.now + 60_000 })));
    const a = await claimBatch(t, { limit: 3, worker: 'w1', leaseMs: 30_000 });
    expect(a.map((r) => r.recordKey)).toEqual(['q-0', 'q-1', 'q-2']);
    expect(a.every((r) => r.status === 'in_flight' && r.claimedBy === 'w1' && r.attempts === 1)).toBe(true);
    expect(a[0]!.claimedUntil).toBe(h.clock.now + 30_000);
    const b = await claimBatch(t, { limit: 10, worker: 'w2', leaseMs: 120_000 });
    expect(b.map((r) => r.recordKey)).toEqual(['q-3', 'q-4']);
    expect(await completeOutbox(t, a.map((r) => r.id))).toBe(3);
    expect(await completeOutbox(t, a.map((r) => r.id))).toBe(0);
    expect(await claimBatch(t, { limit: 10, worker: 'w3', leaseMs: 30_000 })).toEqual([]);
    h.clock.advance(60_000);
    expect((await claimBatch(t, { limit: 10, worker: 'w3', leaseMs: 30_000 })).map((r) => r.recordKey)).toEqual(['q-5']);
    const depth = await queueDepth(t);
    expect(depth.byStatus).toMatchObject({ done: 3, in_flight: 2 + 1, pending: 0 });
    expect(depth.oldestOpenCreatedAt).toBe(h.clock.now - 60_000);
  });

  it('claims exactly the limit, batch after batch', async () => {
    const t = h.tenant();
    await enqueueOutbox(t, writes(50));
    const seen = new Set<number>();
    for (let i = 0; i < 7; i++) {
      const batch = await claimBatch(t, { limit: 7, worker: 'w', leaseMs: 60_000 });
      expect(batch).toHaveLength(7);
      for (const r of batch) seen.add(r.id);
    }
    expect(seen.size).toBe(49);
    expect(await claimBatch(t, { limit: 7, worker: 'w', leaseMs: 60_000 })).toHaveLength(1);
  });

  it('reclaims rows whose worker died once the claim expires, counting the attempt', async () => {
    const t = h.tenant();
    await enqueueOutbox(t, writes(2));
    const dead = await claimBatch(t, { limit: 2, worker: 'dies', leaseMs: 10_000 });
    h.clock.advance(9_999);
    expect(await claimBatch(t, { limit: 2, worker: 'w2', leaseMs: 10_000 })).toEqual([]);
    h.clock.advance(1);
    const taken = await claimBatch(t, { limit: 5, worker: 'w2', leaseMs: 10_000 });
    expect(taken.map((r) => r.id)).toEqual(dead.map((r) => r.id));
    expect(taken.every((r) => r.claimedBy === 'w2' && r.attempts === 2)).toBe(true);
    // The first worker's late outcome still settles the write (it was performed).
    expect(await completeOutbox(t, [dead[0]!.id])).toBe(1);
  });

  it('retries later with the error recorded, and fails terminally without retry', async () => {
    const t = h.tenant();
    await enqueueOutbox(t, writes(2));
    const [r1, r2] = await claimBatch(t, { limit: 2, worker: 'w', leaseMs: 1000 });
    expect(await retryLater(t, [r1!.id], 5_000, { errorClass: 'transient', error: '503 from vendor' })).toBe(1);
    expect(await failOutbox(t, [r2!.id], { errorClass: 'mapping', error: 'x'.repeat(5000) })).toBe(1);
    expect(await getOutboxRow(t, r1!.id)).toMatchObject({
      status: 'pending',
      nextAttemptAt: h.clock.now + 5_000,
      lastErrorClass: 'transient',
      lastError: '503 from vendor',
      claimedBy: null,
    });
    const failed = await getOutboxRow(t, r2!.id);
    expect(failed?.status).toBe('failed');
    expect(failed?.lastError?.length).toBeLessThan(2100);
    expect(await claimBatch(t, { limit: 5, worker: 'w', leaseMs: 1000 })).toEqual([]);
    h.clock.advance(5_000);
    expect((await claimBatch(t, { limit: 5, worker: 'w', leaseMs: 1000 })).map((r) => r.id)).toEqual([r1!.id]);
  });

  it('supersedes a record’s waiting writes with its newest, and reports which', async () => {
    const t = h.tenant();
    const v1 = await enqueueOutbox(t, writes(3, 0, { contentVersion: 'v1' }));
    // q-1's write is parked for auth; both kinds of waiting write are replaced by a newer one.
    await t.db('syncd_outbox').where({ tenant: t.tenant, id: v1.inserted[1]!.id }).update({ status: 'waiting_auth' });
    // Two versions of q-0 in one call: only the last stays.
    const v2 = await enqueueOutbox(t, [...writes(2, 0, { contentVersion: 'v2' }), ...writes(1, 0, { contentVersion: 'v3' })]);
    expect(v2.inserted).toHaveLength(3);
    const [q0v2, q1v2, q0v3] = v2.inserted.map((r) => r.idempotencyKey);
    expect(v2.superseded.map((s) => [s.recordKey, s.idempotencyKey, s.supersededBy]).sort()).toEqual(
      [
        ['q-0', v1.inserted[0]!.idempotencyKey, q0v3],
        ['q-0', q0v2, q0v3],
        ['q-1', v1.inserted[1]!.idempotencyKey, q1v2],
      ].sort(),
    );
    const open = (await listOutbox(t, { status: 'pending' })).map((r) => r.idempotencyKey).sort();
    expect(open).toEqual([q0v3, q1v2, v1.inserted[2]!.idempotencyKey].sort());
    expect((await queueDepth(t)).byStatus).toMatchObject({ pending: 3, superseded: 3, waiting_auth: 0 });
    // A repeat of a superseded version is still a duplicate: the key keeps blocking it.
    const again = await enqueueOutbox(t, writes(1, 2, { contentVersion: 'v1' }));
    expect(again).toMatchObject({ inserted: [], superseded: [] });
  });

  it('holds a record’s newer write back while an older one is in flight, then hands it out', async () => {
    const t = h.tenant();
    await enqueueOutbox(t, writes(2, 0, { contentVersion: 'v1' }));
    const first = await claimBatch(t, { limit: 10, worker: 'w', leaseMs: 10_000 });
    expect(first.map((r) => r.recordKey)).toEqual(['q-0', 'q-1']);
    const v2 = await enqueueOutbox(t, writes(2, 0, { contentVersion: 'v2' }));
    // The in-flight versions are not superseded: they may be reaching the target right now.
    expect(v2.superseded).toEqual([]);
    expect(await claimBatch(t, { limit: 10, worker: 'w2', leaseMs: 10_000 })).toEqual([]);
    await completeOutbox(t, [first[0]!.id]);
    const next = await claimBatch(t, { limit: 10, worker: 'w2', leaseMs: 10_000 });
    expect(next.map((r) => r.idempotencyKey)).toEqual([v2.inserted[0]!.idempotencyKey]);
    // A dead worker's expired claim is taken over first; the newer write still waits behind it.
    h.clock.advance(10_000);
    const reclaimed = await claimBatch(t, { limit: 10, worker: 'w3', leaseMs: 10_000 });
    expect(reclaimed.map((r) => r.id).sort()).toEqual([first[1]!.id, next[0]!.id].sort());
  });

  it('inserts a write given claimed in flight, unless another worker has a write of its record in flight', async () => {
    const t = h.tenant();
    // q-0's older write was claimed by another worker after this one planned its page; q-1's is still waiting.
    await enqueueOutbox(t, writes(2, 0, { contentVersion: 'v1' }));
    const taken = await claimBatch(t, { limit: 1, worker: 'w2', leaseMs: 10_000 });
    expect(taken.map((r) => r.recordKey)).toEqual(['q-0']);
    const claim = { worker: 'w1', until: h.clock.now + 10_000 };
    const v2 = await enqueueOutbox(t, writes(3, 0, { contentVersion: 'v2' }).map((w) => ({ ...w, claim })));
    const [q0, q1, q2] = v2.inserted;
    expect(v2.unclaimed).toEqual([q0!.idempotencyKey]);
    expect(await getOutboxRow(t, q0!.id)).toMatchObject({ status: 'pending', attempts: 0, claimedBy: null, claimedUntil: null });
    for (const r of [q1!, q2!]) expect(await getOutboxRow(t, r.id)).toMatchObject({ status: 'in_flight', attempts: 1, claimedBy: 'w1', claimedUntil: claim.until });
    // q-1's waiting write is superseded by the claimed one; q-0's in-flight write is left alone.
    expect(v2.superseded.map((s) => s.recordKey)).toEqual(['q-1']);
    expect(await getOutboxRow(t, taken[0]!.id)).toMatchObject({ status: 'in_flight', claimedBy: 'w2' });
    // Once the older write settles, the one left waiting is claimed like any other.
    await completeOutbox(t, [taken[0]!.id]);
    expect((await claimBatch(t, { limit: 10, worker: 'w3', leaseMs: 10_000 })).map((r) => r.id)).toEqual([q0!.id]);
  });

  it('filters claims by connection and pipeline', async () => {
    const t = h.tenant();
    await enqueueOutbox(t, [...writes(2), ...writes(2, 10, { connection: 'pipedrive' }), ...writes(1, 20, { pipeline: 'other' })]);
    const pd = await claimBatch(t, { limit: 10, worker: 'w', leaseMs: 1000, connection: 'pipedrive' });
    expect(pd.map((r) => r.connection)).toEqual(['pipedrive', 'pipedrive']);
    const other = await claimBatch(t, { limit: 10, worker: 'w', leaseMs: 1000, pipeline: 'other' });
    expect(other.map((r) => r.recordKey)).toEqual(['q-20']);
  });

  it('logs delivery attempts per outbox row', async () => {
    const t = h.tenant();
    const { inserted } = await enqueueOutbox(t, writes(1));
    const id = inserted[0]!.id;
    await recordDeliveries(t, [
      { outboxId: id, attempt: 1, outcome: 'retry', statusCode: 429, errorClass: 'transient', durationMs: 12.4, worker: 'w' },
      { outboxId: id, attempt: 2, outcome: 'ok', statusCode: 200, durationMs: 8 },
    ]);
    const log = await listDeliveries(t, id);
    expect(log.map((d) => [d.attempt, d.outcome, d.statusCode, d.errorClass, d.durationMs])).toEqual([
      [1, 'retry', 429, 'transient', 12],
      [2, 'ok', 200, null, 8],
    ]);
    expect(log[0]!.at).toBe(h.clock.now);
  });

  describe('cursor and outbox in one transaction', () => {
    const key = { pipeline: 'quotes', source: 'quotey' };

    async function handOff(t: Scope, from: number, cursor: unknown, fail: boolean) {
      await t.transaction(async (tx) => {
        await enqueueOutbox(tx, writes(600, from));
        await commitCursor(tx, key, cursor);
        if (fail) throw new Error('crash before commit');
      });
    }

    it('commits both together', async () => {
      const t = h.tenant();
      await handOff(t, 0, { updatedAfter: '2024-01-01T00:00:00Z', id: 'q-599' }, false);
      expect((await getCursor(t, key))?.value).toEqual({ updatedAfter: '2024-01-01T00:00:00Z', id: 'q-599' });
      expect((await queueDepth(t)).byStatus.pending).toBe(600);
    });

    it('commits neither when the transaction fails', async () => {
      const t = h.tenant();
      await handOff(t, 0, 'c1', false);
      await expect(handOff(t, 600, 'c2', true)).rejects.toThrow('crash before commit');
      expect((await getCursor(t, key))?.value).toBe('c1');
      expect((await queueDepth(t)).byStatus.pending).toBe(600);
      // The retry after the crash hands off the same rows again, exactly once.
      await handOff(t, 600, 'c2', false);
      expect((await queueDepth(t)).byStatus.pending).toBe(1200);
    });

    it('works through store.transaction with the default tenant', async () => {
      await h.store.transaction(async (tx) => {
        expect(tx.tenant).toBe('default');
        await commitCursor(tx, key, 42);
      });
      expect((await getCursor(h.store.forTenant(), key))?.value).toBe(42);
    });
  });
});

describe('outbox claims by concurrent workers on postgres', () => {
  const h = useStore('postgres');

  it('never give the same row to two of four connections', async () => {
    const tenant = 'race';
    const total = 3000;
    await enqueueOutbox(h.store.forTenant(tenant), writes(total));
    const workers = Array.from({ length: 4 }, (_, i) => ({ name: `w${i}`, store: h.open({ poolMax: 2 }) }));
    const claimed = await Promise.all(
      workers.map(async ({ name, store }) => {
        const scope = store.forTenant(tenant);
        const ids: number[] = [];
        for (;;) {
          const batch = await claimBatch(scope, { limit: 25, worker: name, leaseMs: 60_000 });
          if (batch.length === 0) return ids;
          ids.push(...batch.map((r) => r.id));
          await completeOutbox(scope, batch.map((r) => r.id));
        }
      }),
    );
    const all = claimed.flat();
    expect(all.length).toBe(total);
    expect(new Set(all).size).toBe(total);
    // Every worker got work: the claims really ran side by side.
    expect(claimed.filter((ids) => ids.length > 0).length).toBeGreaterThan(1);
    expect((await queueDepth(h.store.forTenant(tenant))).byStatus.done).toBe(total);
  });
});

describe('a claimed insert racing another worker’s claim, on postgres', () => {
  const h = useStore('postgres');

  it('leaves the new write waiting when the older one is claimed while the page commits', async () => {
    const t = h.tenant();
    await enqueueOutbox(t, writes(1, 0, { contentVersion: 'v1' }));
    // Another worker claims the older write and holds its transaction open.
    const other = h.open().forTenant(t.tenant);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let claimed!: () => void;
    const claimedNow = new Promise<void>((resolve) => (claimed = resolve));
    const taking = other.transaction(async (tx) => {
      const rows = await claimBatch(tx, { limit: 1, worker: 'w2', leaseMs: 10_000 });
      claimed();
      await held;
      return rows;
    });
    await claimedNow;
    // This worker commits a page with the record's next write, claimed for itself: the claim
    // above is not visible yet, and superseding the older write waits for its lock.
    const claim = { worker: 'w1', until: h.clock.now + 10_000 };
    const committing = t.transaction((tx) => enqueueOutbox(tx, writes(1, 0, { contentVersion: 'v2' }).map((w) => ({ ...w, claim }))));
    for (let waiting = 0; waiting === 0; ) {
      const r = await h.store.knex.raw("select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'");
      waiting = (r.rows[0] as { n: number }).n;
      if (waiting === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    release();
    const [taken, v2] = await Promise.all([taking, committing]);
    expect(taken.map((r) => r.recordKey)).toEqual(['q-0']);
    expect(v2.superseded).toEqual([]);
    expect(v2.unclaimed).toEqual([v2.inserted[0]!.idempotencyKey]);
    expect(await getOutboxRow(t, v2.inserted[0]!.id)).toMatchObject({ status: 'pending', attempts: 0, claimedBy: null });
    expect(await getOutboxRow(t, taken[0]!.id)).toMatchObject({ status: 'in_flight', claimedBy: 'w2' });
  });
});
