/**
 * A write's idempotency key comes from its pipeline, record and content version; the version
 * covers what the write sends and the agreed state it starts from. Re-reading a record yields the
 * same key (dropped as a duplicate), while a real change — including a change back — is written.
 */
import { claimBatch } from '../../src/state/outbox/claim.js';
import { getOutboxRow, listOutbox } from '../../src/state/outbox/queries.js';
import { getConnection, markReconnected } from '../../src/state/connections.js';
import { CONNECTION, startEngine, type Engine } from './support/engine.js';

let engine: Engine | undefined;

/** The source's modification time `s` seconds into the test. */
const at = (s: number) => new Date(Date.parse('2026-03-01T00:00:00Z') + s * 1000).toISOString();

afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

describe.each(['sqlite', 'postgres'] as const)('write versions on %s', (backend) => {
  // The first write creates the record; the later ones update it, so B → A → B makes the fourth
  // write send exactly what the second did, from a different base.
  it('writes a record changed A → B → A → B four times, and the target ends at B', async () => {
    engine = await startEngine({ backend, items: [{ id: 'item-1', name: 'A', amount: 1, updated_at: at(0) }] });
    await engine.settle();
    await engine.local('items').where({ id: 'item-1' }).update({ name: 'B', amount: 2, updated_at: at(10) });
    await engine.settle();
    expect(engine.target.record('item-1')?.fields.name).toBe('B');
    await engine.local('items').where({ id: 'item-1' }).update({ name: 'A', amount: 1, updated_at: at(20) });
    await engine.settle();
    expect(engine.target.record('item-1')?.fields).toMatchObject({ name: 'A', amount: 1 });
    await engine.local('items').where({ id: 'item-1' }).update({ name: 'B', amount: 2, updated_at: at(30) });
    await engine.settle();

    expect(engine.target.record('item-1')?.fields).toMatchObject({ name: 'B', amount: 2 });
    expect(engine.target.stats().writes['item-1']).toBe(4);
    // A re-read of the unchanged record (the cursor's lookback) is not written again.
    await engine.settle();
    expect(engine.target.stats().writes['item-1']).toBe(4);
  });
});

describe.each(['sqlite', 'postgres'] as const)('versions read before the last was delivered, on %s', (backend) => {
  it('sends only the newest version of each record, and audits the ones it replaced', async () => {
    // Another worker's part is played by claiming from the outbox between polls: no hand-off.
    engine = await startEngine({ backend, items: [{ id: 'item-1', name: 'A', amount: 1, updated_at: at(0) }], handoff: false });
    await engine.settle();
    const runner = engine.runtime.runners[0]!;
    // Two polls with a change between them and no delivery: both versions are queued.
    await engine.local('items').where({ id: 'item-1' }).update({ name: 'B', amount: 2, updated_at: at(10) });
    await engine.local('items').insert({ id: 'item-2', name: 'X', amount: 5, updated_at: at(10) });
    await runner.pollCycle();
    await engine.local('items').where({ id: 'item-1' }).update({ name: 'C', amount: 3, updated_at: at(20) });
    await engine.local('items').where({ id: 'item-2' }).update({ name: 'Y', updated_at: at(20) });
    await runner.pollCycle();
    await engine.settle();

    expect(engine.target.record('item-1')?.fields).toMatchObject({ name: 'C', amount: 3 });
    expect(engine.target.record('item-2')?.fields).toMatchObject({ name: 'Y', amount: 5 });
    expect(engine.target.stats().writes).toMatchObject({ 'item-1': 2, 'item-2': 1 });
    const audit = await engine.audit();
    const superseded = audit.filter((e) => e.action === 'write.superseded');
    expect(superseded.map((e) => e.recordKey).sort()).toEqual(['item-1', 'item-2']);
    for (const s of superseded) {
      const replacedBy = (s.decision as { supersededBy: string }).supersededBy;
      // The replaced write was announced and never attempted; its successor was written.
      expect(audit.filter((e) => e.idempotencyKey === s.idempotencyKey).map((e) => e.action)).toEqual(['write.intent', 'write.superseded']);
      expect(audit.filter((e) => e.idempotencyKey === replacedBy).map((e) => e.action)).toEqual(['write.intent', 'write.ok']);
    }
  });
});

describe.each(['sqlite', 'postgres'] as const)('a change undone while its write is in flight, on %s', (backend) => {
  it('writes the undo after the change lands, so the target ends where the source is', async () => {
    engine = await startEngine({ backend, items: [{ id: 'item-1', name: 'A', amount: 1, updated_at: at(0) }], handoff: false });
    await engine.settle();
    const runner = engine.runtime.runners[0]!;
    await engine.local('items').where({ id: 'item-1' }).update({ name: 'B', updated_at: at(10) });
    await runner.pollCycle();
    // Another worker takes B out (its claim lasts a moment), and the change is undone meanwhile.
    const [out] = await claimBatch(engine.scope, { limit: 10, worker: 'elsewhere', leaseMs: 200 });
    expect((out?.payload as { values: unknown }).values).toMatchObject({ name: 'B' });
    await engine.local('items').where({ id: 'item-1' }).update({ name: 'A', updated_at: at(20) });
    await runner.pollCycle();
    await new Promise((r) => setTimeout(r, 250));
    await engine.settle();

    expect(engine.target.record('item-1')?.fields).toMatchObject({ name: 'A', amount: 1 });
    expect(engine.target.stats().writes['item-1']).toBe(3);
  });
});

/**
 * A write planned while an older one of its record is in flight carries only what changed since
 * (it starts from the state the older write agrees on). When the older write comes back unsent,
 * its changes travel on in the newer write instead of being recorded as agreed and lost.
 */
describe.each(['sqlite', 'postgres'] as const)('an older write that comes back unsent while a newer one waits, on %s', (backend) => {
  /** Puts `name: B` in flight elsewhere (a claim that lapses in 200 ms), then queues the later change behind it. */
  async function changeWhileInFlight(e: Engine, amountLater: { name?: string; amount: number }) {
    const runner = e.runtime.runners[0]!;
    await e.local('items').where({ id: 'item-1' }).update({ name: 'B', updated_at: at(10) });
    await runner.pollCycle();
    const [out] = await claimBatch(e.scope, { limit: 10, worker: 'elsewhere', leaseMs: 200 });
    await e.local('items').where({ id: 'item-1' }).update({ ...amountLater, updated_at: at(20) });
    await runner.pollCycle();
    const [newer] = (await listOutbox(e.scope, { status: 'pending' })).filter((r) => r.recordKey === 'item-1');
    await new Promise((r) => setTimeout(r, 250));
    return { older: out!, newer: newer! };
  }

  it('refused as a mapping error: the newer write sends its changes too, and the target ends where the source is', async () => {
    engine = await startEngine({ backend, items: [{ id: 'item-1', name: 'A', amount: 1, updated_at: at(0) }], handoff: false });
    await engine.settle();
    const { older, newer } = await changeWhileInFlight(engine, { amount: 2 });
    // Planned from the state the write in flight agrees on: the name is not sent again.
    expect((newer.payload as { values: Record<string, unknown> }).values).not.toHaveProperty('name');
    engine.target.reject({ key: 'item-1', status: 400, count: 1 });
    await engine.settle();

    expect(engine.target.record('item-1')?.fields).toMatchObject({ name: 'B', amount: 2 });
    expect((await getOutboxRow(engine.scope, older.id))?.status).toBe('failed');
    expect((await getOutboxRow(engine.scope, newer.id))?.status).toBe('done');
    const carried = (await engine.audit()).filter((e) => e.action === 'write.carried');
    expect(carried.map((e) => [e.idempotencyKey, e.decision])).toEqual([[newer.idempotencyKey, { from: older.idempotencyKey, properties: ['name'] }]]);
    expect(carried[0]?.after).toMatchObject({ name: 'B', amount: 2 });
  });

  it('to be retried: the newer write replaces it, so the older version never lands after the newer one', async () => {
    engine = await startEngine({ backend, items: [{ id: 'item-1', name: 'A', amount: 1, updated_at: at(0) }], handoff: false });
    await engine.settle();
    const { older, newer } = await changeWhileInFlight(engine, { name: 'C', amount: 2 });
    // Every attempt of the connector's one call fails: the outbox retries the write later.
    engine.target.scriptFault({ kind: 'server_error', count: 3, pathContains: '/records/batch' });
    await engine.settle();

    expect(engine.target.record('item-1')?.fields).toMatchObject({ name: 'C', amount: 2 });
    // The create, then one update: B never landed.
    expect(engine.target.stats().writes['item-1']).toBe(2);
    expect((await getOutboxRow(engine.scope, older.id))?.status).toBe('superseded');
    const audit = await engine.audit();
    expect(audit.filter((e) => e.idempotencyKey === older.idempotencyKey).map((e) => e.action)).toEqual(['write.intent', 'write.failed', 'write.superseded']);
    // The newer write took the older one's place (a re-read of the record may plan it afresh, from the last agreed state).
    expect(audit.filter((e) => e.idempotencyKey === newer.idempotencyKey).map((e) => e.action).slice(0, 2)).toEqual(['write.intent', 'write.carried']);
    expect(engine.runtime.runners[0]!.progress).toMatchObject({ retried: 0 });
  });

  it('parked until the connection is reconnected: the newer write waits in its place and lands alone', async () => {
    engine = await startEngine({ backend, items: [{ id: 'item-1', name: 'A', amount: 1, updated_at: at(0) }], handoff: false });
    await engine.settle();
    const { older, newer } = await changeWhileInFlight(engine, { name: 'C', amount: 2 });
    engine.target.setFaults({ revoked: true });
    await engine.runtime.runOnce();
    expect((await getConnection(engine.scope, CONNECTION))?.status).toBe('needs_reconnect');
    expect((await getOutboxRow(engine.scope, older.id))?.status).toBe('superseded');
    expect((await getOutboxRow(engine.scope, newer.id))?.payload).toMatchObject({ values: { name: 'C', amount: 2 } });

    engine.target.setFaults({ revoked: false });
    await markReconnected(engine.scope, CONNECTION);
    await engine.settle();
    expect(engine.target.record('item-1')?.fields).toMatchObject({ name: 'C', amount: 2 });
    expect(engine.target.stats().writes['item-1']).toBe(2);
  });
});
