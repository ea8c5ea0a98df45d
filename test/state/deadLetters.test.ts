import {
  claimBatch,
  completeOutbox,
  discardDeadLetters,
  enqueueOutbox,
  getDeadLetter,
  getOutboxByKey,
  listDeadLetters,
  listDeliveries,
  moveToDeadLetter,
  purgeDone,
  queryAudit,
  queueDepth,
  recordDeliveries,
  replayDeadLetters,
  tables,
} from '../../src/state/index.js';
import type { OutboxRow } from '../../src/state/outbox/rows.js';
import type { Scope } from '../../src/state/scope.js';
import { backends, useStore } from './harness.js';
import { writes } from './fixtures.js';

/** Queues `n` writes, claims them and moves them to the dead letter queue. */
async function deadLettered(t: Scope, n: number): Promise<{ claimed: OutboxRow[]; ids: number[] }> {
  await enqueueOutbox(t, writes(n));
  const claimed = await claimBatch(t, { limit: n, worker: 'w', leaseMs: 1000 });
  return { claimed, ids: await moveToDeadLetter(t, claimed.map((r) => r.id), { errorClass: 'transient' }) };
}

describe.each(backends)('dead letters on %s', (backend) => {
  const h = useStore(backend);

  it('hold exhausted writes, keep their key blocking re-enqueue, and list by filters', async () => {
    const t = h.tenant();
    await enqueueOutbox(t, [...writes(3), ...writes(1, 10, { pipeline: 'signals' })]);
    const claimed = await claimBatch(t, { limit: 10, worker: 'w', leaseMs: 1000 });
    const letterIds = await moveToDeadLetter(t, claimed.slice(0, 2).map((r) => r.id), { errorClass: 'transient', error: 'timeout x5' });
    const other = await moveToDeadLetter(t, [claimed[3]!.id], { errorClass: 'mapping', error: 'missing dealname' });
    expect(letterIds).toHaveLength(2);
    expect(other).toHaveLength(1);
    // Already dead: a second move does nothing.
    expect(await moveToDeadLetter(t, [claimed[0]!.id], { errorClass: 'transient' })).toEqual([]);

    const letter = await getDeadLetter(t, letterIds[0]!);
    expect(letter).toMatchObject({
      outboxId: claimed[0]!.id,
      idempotencyKey: claimed[0]!.idempotencyKey,
      recordKey: 'q-0',
      payload: { amount: 0, tags: ['a', 'b'] },
      attempts: 1,
      errorClass: 'transient',
      error: 'timeout x5',
      status: 'open',
    });
    expect((await enqueueOutbox(t, writes(1))).duplicates).toHaveLength(1);
    expect((await listDeadLetters(t)).map((l) => l.recordKey)).toEqual(['q-0', 'q-1', 'q-10']);
    expect((await listDeadLetters(t, { pipeline: 'signals' })).map((l) => l.recordKey)).toEqual(['q-10']);
    expect((await listDeadLetters(t, { errorClass: 'transient', limit: 1 })).map((l) => l.recordKey)).toEqual(['q-0']);
    expect((await listDeadLetters(t, { afterId: letterIds[0] })).map((l) => l.recordKey)).toEqual(['q-1', 'q-10']);
  });

  it('replay sends the write back as pending with the same idempotency key', async () => {
    const t = h.tenant();
    const { claimed, ids } = await deadLettered(t, 2);
    h.clock.advance(1000);
    const { queued } = await replayDeadLetters(t, [ids[0]!], 'operator:ana');
    expect(queued).toEqual([claimed[0]!.id]);
    const row = await getOutboxByKey(t, claimed[0]!.idempotencyKey);
    expect(row).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: h.clock.now, lastError: null });
    expect(await getDeadLetter(t, ids[0]!)).toMatchObject({ status: 'replayed', resolvedBy: 'operator:ana', resolvedAt: h.clock.now });
    // A replayed letter is not replayed twice.
    expect(await replayDeadLetters(t, [ids[0]!], 'operator:ana')).toEqual({ queued: [], superseded: [] });
    const again = await claimBatch(t, { limit: 5, worker: 'w', leaseMs: 1000 });
    expect(again.map((r) => r.idempotencyKey)).toEqual([claimed[0]!.idempotencyKey]);
  });

  it('replay recreates the outbox row when retention removed it', async () => {
    const t = h.tenant();
    await enqueueOutbox(t, writes(1));
    const [row] = await claimBatch(t, { limit: 1, worker: 'w', leaseMs: 1000 });
    const [letterId] = await moveToDeadLetter(t, [row!.id], { errorClass: 'transient' });
    await t.db(tables.outbox).where({ tenant: t.tenant, id: row!.id }).del();
    const [newId] = (await replayDeadLetters(t, [letterId!], 'op')).queued;
    expect(await getOutboxByKey(t, row!.idempotencyKey)).toMatchObject({ id: newId, status: 'pending', payload: row!.payload });
  });

  it('replay closes a letter as superseded when a newer write of its record was queued after it', async () => {
    const t = h.tenant();
    const { claimed, ids } = await deadLettered(t, 2);
    // q-0 changed again after its write died: replaying the dead write would send older values.
    const [newer] = writes(1, 0, { contentVersion: 'v2' });
    await enqueueOutbox(t, [newer!]);
    const result = await replayDeadLetters(t, ids, 'op');
    expect(result).toEqual({ queued: [claimed[1]!.id], superseded: [{ id: ids[0], recordKey: 'q-0', newerKey: newer!.idempotencyKey }] });
    expect(await getDeadLetter(t, ids[0]!)).toMatchObject({ status: 'superseded', resolvedBy: 'op' });
    expect(await getOutboxByKey(t, claimed[0]!.idempotencyKey)).toMatchObject({ status: 'dead' });
    expect(await listDeadLetters(t, { status: 'superseded' })).toHaveLength(1);
  });

  it('replays more letters than one statement takes, superseded ones among them, each once', async () => {
    const t = h.tenant();
    const { claimed, ids } = await deadLettered(t, 1200);
    expect(ids).toHaveLength(1200);
    // Records q-3, q-500 and q-1100 changed again after their writes died.
    const newer = [3, 500, 1100].map((i) => writes(1, i, { contentVersion: 'v2' })[0]!);
    await enqueueOutbox(t, newer);
    const result = await replayDeadLetters(t, ids, 'op');
    expect(result.superseded.map((s) => [s.recordKey, s.newerKey]).sort()).toEqual(newer.map((w) => [w.recordKey, w.idempotencyKey]).sort());
    expect(new Set(result.queued)).toEqual(new Set(claimed.filter((r) => !['q-3', 'q-500', 'q-1100'].includes(r.recordKey)).map((r) => r.id)));
    expect(result.queued).toHaveLength(1197);
    expect((await queueDepth(t)).byStatus).toMatchObject({ pending: 1200, dead: 3 });
    expect(await listDeadLetters(t, { status: 'open' })).toHaveLength(0);
    expect(await listDeadLetters(t, { status: 'superseded' })).toHaveLength(3);
  });

  it('discard closes letters for good', async () => {
    const t = h.tenant();
    const { ids } = await deadLettered(t, 2);
    expect(await discardDeadLetters(t, ids, 'op')).toBe(2);
    expect(await listDeadLetters(t)).toEqual([]);
    expect((await listDeadLetters(t, { status: 'discarded' })).map((l) => l.resolvedBy)).toEqual(['op', 'op']);
    expect(await replayDeadLetters(t, ids, 'op')).toEqual({ queued: [], superseded: [] });
  });

  it('purges done rows past retention only', async () => {
    const t = h.tenant();
    await enqueueOutbox(t, writes(3));
    const claimed = await claimBatch(t, { limit: 2, worker: 'w', leaseMs: 1000 });
    await completeOutbox(t, claimed.map((r) => r.id));
    await recordDeliveries(t, claimed.map((r) => ({ outboxId: r.id, attempt: 1, outcome: 'ok', durationMs: 3, remoteId: `c-${r.recordKey}` })));
    const trail = async () => (await Promise.all(claimed.map((r) => queryAudit(t, { pipeline: r.pipeline, recordKey: r.recordKey })))).flat().map((e) => [e.recordKey, e.action, e.decision, e.after]);
    const before = await trail();
    expect(before.map((e) => e[1])).toEqual(['write.intent', 'write.ok', 'write.intent', 'write.ok']);
    h.clock.advance(10);
    expect(await purgeDone(t, h.clock.now - 20)).toBe(0);
    expect(await purgeDone(t, h.clock.now)).toBe(2);
    expect(await getOutboxByKey(t, writes(1, 2)[0]!.idempotencyKey)).toBeDefined();
    expect(await getOutboxByKey(t, claimed[0]!.idempotencyKey)).toBeUndefined();
    // The written records' outcomes are still on their trail, and their attempts are gone.
    expect(await trail()).toEqual(before);
    expect(await listDeliveries(t, claimed[0]!.id)).toEqual([]);
  });
});
