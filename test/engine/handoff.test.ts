/**
 * Writes handed straight from a page's commit to the runner's own delivery: committed already
 * claimed, delivered without a claim of the outbox, and every rule of the outbox still holding —
 * a newer version waits for the one in flight, a paused connection parks them unsent, a stopping
 * runner gives back what it has not sent, and a claim about to run out goes back to the outbox.
 */
import { Handoff } from '../../src/engine/handoff.js';
import type { OutboxRow } from '../../src/state/outbox/rows.js';
import { listOutbox, queueDepth } from '../../src/state/outbox/queries.js';
import { claimBatch } from '../../src/state/outbox/claim.js';
import { listDeliveries } from '../../src/state/deliveries.js';
import { getConnection } from '../../src/state/connections.js';
import { startEngine, CONNECTION, type Engine } from './support/engine.js';
import { makeItems } from './support/localDb.js';
import { openStore, type Store } from '../../src/state/store.js';
import { deliverOnce, type DeliveryContext } from '../../src/engine/delivery.js';
import type { RunnerOptions } from '../../src/engine/pipelineRunner.js';

let engine: Engine | undefined;

let later: Store | undefined;

afterEach(async () => {
  await later?.close();
  await engine?.close();
  engine = later = undefined;
});

const at = (s: number) => new Date(Date.parse('2026-04-01T00:00:00Z') + s * 1000).toISOString();
const keys = (n: number) => makeItems(n).map((i) => i.id);

describe.each(['sqlite', 'postgres'] as const)('writes handed over from the page commit, on %s', (backend) => {
  it('are committed claimed by this worker and delivered once each, at their first attempt', async () => {
    engine = await startEngine({ backend, items: makeItems(30), handoff: true });
    const runner = engine.runtime.runners[0]!;
    await runner.pollCycle();
    const rows = await listOutbox(engine.scope, {});
    expect(rows).toHaveLength(30);
    expect(new Set(rows.map((r) => `${r.status} ${r.attempts} ${r.claimedBy === null ? 'unclaimed' : 'claimed'}`))).toEqual(new Set(['in_flight 1 claimed']));
    await engine.settle();
    const stats = engine.target.stats();
    for (const key of keys(30)) expect(stats.writes[key], key).toBe(1);
    for (const r of rows) expect((await listDeliveries(engine.scope, r.id)).map((d) => [d.attempt, d.outcome])).toEqual([[1, 'ok']]);
  });

  it('a newer version of a record whose write is in flight waits for it in the outbox, and lands after it', async () => {
    engine = await startEngine({ backend, items: [{ id: 'item-1', name: 'A', amount: 1, updated_at: at(0) }], handoff: true });
    const runner = engine.runtime.runners[0]!;
    await runner.pollCycle();
    await engine.local('items').where({ id: 'item-1' }).update({ name: 'B', amount: 2, updated_at: at(10) });
    await runner.pollCycle();
    expect((await listOutbox(engine.scope, { recordKey: 'item-1' })).map((r) => r.status)).toEqual(['in_flight', 'pending']);
    await engine.settle();
    expect(engine.target.record('item-1')?.fields).toMatchObject({ name: 'B', amount: 2 });
    expect(engine.target.stats().writes['item-1']).toBe(2);
    const audit = await engine.audit();
    const intents = audit.filter((a) => a.action === 'write.intent').map((a) => a.idempotencyKey);
    // Both queued before either landed; the older landed first.
    expect(audit.filter((a) => a.action.startsWith('write.')).map((a) => a.action)).toEqual(['write.intent', 'write.intent', 'write.ok', 'write.ok']);
    expect(audit.filter((a) => a.action === 'write.ok').map((a) => a.idempotencyKey)).toEqual(intents);
  });

  it('a runner stopping with writes still handed over gives them back to the outbox, due and with no attempt counted', async () => {
    engine = await startEngine({ backend, items: makeItems(12), handoff: true });
    const runner = engine.runtime.runners[0]!;
    await runner.pollCycle();
    await runner.stop();
    const rows = await listOutbox(engine.scope, {});
    expect(rows.map((r) => [r.status, r.attempts, r.claimedBy])).toEqual(new Array(12).fill(['pending', 0, null]));
    expect(Object.keys(engine.target.stats().writes)).toEqual([]);
  });

  it('writes held until their claim is about to end are claimed again at once, at their first attempt', async () => {
    engine = await startEngine({ backend, items: makeItems(30), handoff: true });
    const runner = engine.runtime.runners[0]!;
    await runner.pollCycle();
    // 45 s later: the 60 s claims have less than the 40 s a call may need left, and have not expired.
    later = openStore({ url: engine.urls.store, clock: () => Date.now() + 45_000, secretKey: engine.urls.secretKey, env: {} });
    const internals = runner as unknown as { opts: RunnerOptions; handoff: Handoff };
    const ctx: DeliveryContext = { ...internals.opts.delivery, claimLimit: 100, handoff: internals.handoff };
    expect(await deliverOnce(later.forTenant('default'), ctx, new AbortController().signal)).toBe(30);
    const rows = await listOutbox(engine.scope, {});
    expect(new Set(rows.map((r) => `${r.status} ${r.attempts}`))).toEqual(new Set(['done 1']));
    for (const r of rows) expect((await listDeliveries(engine.scope, r.id)).map((d) => [d.attempt, d.outcome])).toEqual([[1, 'ok']]);
    for (const key of keys(30)) expect(engine.target.stats().writes[key], key).toBe(1);
  });

  it('a connection that needs a reconnect parks the writes still handed over, unsent', async () => {
    // Six rounds' worth: the first two rounds meet the revoked grant, the rest are parked unsent.
    engine = await startEngine({ backend, items: makeItems(600), handoff: true });
    engine.target.setFaults({ revoked: true });
    await engine.runtime.runOnce();
    expect(await getConnection(engine.scope, CONNECTION)).toMatchObject({ status: 'needs_reconnect' });
    expect((await queueDepth(engine.scope)).byStatus).toMatchObject({ waiting_auth: 600, pending: 0, in_flight: 0 });
    // Two delivery loops of two 100-record calls each were under way when the 401s came back.
    // Two delivery loops took a round of 200 each and met the revoked grant; the 200 left in
    // the hand-off were parked without an attempt.
    const failed = new Set((await engine.audit()).filter((a) => a.action === 'write.failed').map((a) => a.recordKey));
    expect(failed.size).toBe(400);
    const unsent = (await listOutbox(engine.scope, { status: 'waiting_auth', limit: 1000 })).filter((r) => !failed.has(r.recordKey));
    expect(unsent).toHaveLength(200);
    expect(new Set(unsent.map((r) => r.attempts))).toEqual(new Set([0]));
  });
});

describe('the hand-off itself', () => {
  const row = (id: number, claimedUntil: number): OutboxRow => ({
    id, idempotencyKey: `k${id}`, pipeline: 'p', connection: 'c', operation: 'upsert', object: null, recordKey: `r${id}`, payload: {}, contentVersion: 'v',
    correlationId: null, status: 'in_flight', attempts: 1, nextAttemptAt: claimedUntil, claimedBy: 'w', claimedUntil, lastErrorClass: null, lastError: null, createdAt: 0, updatedAt: 0,
  });

  it('gives rows oldest first, never more than asked, and holds no more than its capacity', () => {
    const h = new Handoff(5, 1_000);
    h.put([row(1, 60_000), row(2, 60_000), row(3, 60_000)]);
    expect(h.room()).toBe(2);
    expect(h.take(2, 0).rows.map((r) => r.id)).toEqual([1, 2]);
    expect(h.take(10, 0).rows.map((r) => r.id)).toEqual([3]);
    expect(h.size).toBe(0);
  });

  it('returns a row whose claim is about to end as stale instead of giving it to be sent', () => {
    const h = new Handoff(10, 20_000);
    h.put([row(1, 30_000), row(2, 50_000)]);
    const { rows, stale } = h.take(10, 15_000);
    expect(rows.map((r) => r.id)).toEqual([2]);
    expect(stale.map((r) => r.id)).toEqual([1]);
    expect(h.size).toBe(0);
  });

  it('lets a waiting source go once the rows it needs fit, or when released', async () => {
    const h = new Handoff(4, 0);
    h.put([row(1, 9), row(2, 9), row(3, 9), row(4, 9)]);
    let woke = false;
    const waiting = h.whenRoom(3).then(() => (woke = true));
    h.take(2, 0);
    await Promise.resolve();
    expect(woke).toBe(false);
    h.forget([3]);
    await waiting;
    expect(woke).toBe(true);
    const never = h.whenRoom(4);
    h.release();
    await never;
  });
});

describe('writes handed over on a PostgreSQL store other workers share', () => {
  it('fill the hand-off while the source reads on, leaving the rest in the outbox for any worker to claim', async () => {
    // 4,000 records against a hand-off of 1,600 (four rounds of four 100-record loops), with
    // every answer held back 3 s: a source waiting for room would stop before the last page.
    engine = await startEngine({ backend: 'postgres', items: makeItems(4000), handoff: true });
    engine.target.slowAnswers({ count: 1000, delayMs: 3000 });
    const runner = engine.runtime.runners[0]!;
    runner.start();
    const until = Date.now() + 10_000;
    let depth = await queueDepth(engine.scope);
    while (depth.byStatus.pending + depth.byStatus.in_flight < 4000 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
      depth = await queueDepth(engine.scope);
    }
    expect(depth.byStatus.pending + depth.byStatus.in_flight).toBe(4000);
    expect(runner.progress.written).toBe(0);
    // The writes past the hand-off wait unclaimed, and another worker takes them.
    expect(depth.byStatus.pending).toBeGreaterThan(0);
    const other = openStore({ url: engine.urls.store, secretKey: engine.urls.secretKey, env: {} });
    later = other;
    const taken = await claimBatch(other.forTenant('default'), { limit: 100, worker: 'another-worker', leaseMs: 60_000 });
    expect(taken).toHaveLength(Math.min(100, depth.byStatus.pending));
    expect(new Set(taken.map((r) => r.attempts))).toEqual(new Set([1]));
  });
});
