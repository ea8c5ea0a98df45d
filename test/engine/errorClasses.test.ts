/**
 * Error classes end to end (DESIGN §3): local items synced to the records target through the
 * fixture pipeline while the target injects faults. Whatever happens, every change arrives, and
 * arrives once: the target's applied-write count per key, the outbox and the audit trail agree.
 *
 * Retries happen at two levels: the connector retries a transient failure inside one call
 * (fixture: 3 attempts), and the outbox retries the write in later rounds (fixture pipeline:
 * 3 attempts) before the dead letter queue. The scripted fault counts below are chosen against
 * those numbers.
 */
import { getConnection, markReconnected } from '../../src/state/connections.js';
import { listDeadLetters, replayDeadLetters } from '../../src/state/deadLetters.js';
import { listOutbox, queueDepth } from '../../src/state/outbox/queries.js';
import { listReconciliationItems } from '../../src/state/reconciliation.js';
import { listDeliveries } from '../../src/state/deliveries.js';
import type { AuditEntry } from '../../src/state/audit.js';
import { CONNECTION, startEngine, type Engine } from './support/engine.js';
import { makeItems } from './support/localDb.js';

let engine: Engine | undefined;

afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

const keys = (n: number): string[] => makeItems(n).map((i) => i.id);

/**
 * Every key's change applied exactly `times` times at the target, every outbox row done and
 * settled once (one `write.ok` per idempotency key), idempotency keys unique.
 */
async function expectDeliveredOnce(e: Engine, expected: string[], times = 1): Promise<AuditEntry[]> {
  const stats = e.target.stats();
  for (const key of expected) expect(stats.writes[key], key).toBe(times);
  const rows = await listOutbox(e.scope, { pipeline: 'items-to-target', limit: 10_000 });
  const done = rows.filter((r) => r.status === 'done');
  expect(new Set(done.map((r) => r.recordKey))).toStrictEqual(new Set(expected));
  expect(new Set(rows.map((r) => r.idempotencyKey)).size).toBe(rows.length);
  const audit = await e.audit();
  const ok = audit.filter((a) => a.action === 'write.ok');
  const okPerKey = new Map<string, number>();
  for (const a of ok) okPerKey.set(a.idempotencyKey as string, (okPerKey.get(a.idempotencyKey as string) ?? 0) + 1);
  expect([...okPerKey.values()].every((n) => n === 1)).toBe(true);
  expect(new Set(ok.map((a) => a.idempotencyKey))).toStrictEqual(new Set(done.map((r) => r.idempotencyKey)));
  // Idempotency keys the target received (none through batch bodies today) never repeat.
  expect(Object.values(stats.idempotencyKeys).filter((n) => n > 1)).toStrictEqual([]);
  return audit;
}

function actionsOf(audit: AuditEntry[], recordKey: string): string[] {
  return audit.filter((a) => a.recordKey === recordKey).map((a) => a.action);
}

describe('error classes through the engine', () => {
  it('429 with Retry-After: waits as told, then writes everything once', async () => {
    engine = await startEngine({ items: makeItems(150) });
    engine.target.scriptFault({ kind: 'rate_limit', count: 1, pathContains: '/records/batch', retryAfterSeconds: 1 });
    const started = Date.now();
    await engine.settle();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(engine.target.stats().requests['POST /records/batch 429']).toBe(1);
    const audit = await expectDeliveredOnce(engine, keys(150));
    expect(audit.filter((a) => a.action === 'write.failed')).toStrictEqual([]);
    const target = { tenant: 'default', connector: 'target' };
    expect(await engine.metric('rate_limited_responses_total', target)).toBe(1);
    expect(await engine.metric('http_request_duration_seconds_count', { ...target, outcome: '429' })).toBe(1);
    expect(await engine.metric('http_request_duration_seconds_count', { ...target, outcome: '2xx' })).toBeGreaterThanOrEqual(2);
    expect(await engine.metric('records_read_total', { pipeline: 'items-to-target', connector: 'local', outcome: 'read' })).toBeGreaterThanOrEqual(150);
  });

  it('a rate window of 2 calls per 500 ms: paced by the x-ratelimit headers, nothing lost or doubled', async () => {
    engine = await startEngine({ items: makeItems(600), target: { rate: { limit: 2, windowMs: 500 } } });
    const started = Date.now();
    await engine.settle(20_000);
    const stats = engine.target.stats();
    // Six batches at two per half second need at least three windows.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    // Paced by the window's headers from the first answer on: at most the first concurrent
    // batches can run into the limit, never a storm of 429s.
    expect(stats.rateLimited).toBeLessThanOrEqual(4);
    expect(stats.requests['POST /records/batch 200']).toBeGreaterThanOrEqual(6);
    await expectDeliveredOnce(engine, keys(600));
  });

  it('5xx then success: the outbox retries after the connector gave up, write.failed then write.ok', async () => {
    engine = await startEngine({ items: makeItems(100) });
    // Three failures use up the connector's attempts of the first round; the fourth fails the
    // first attempt of the second round, whose retry inside the connector succeeds.
    engine.target.scriptFault({ kind: 'server_error', status: 503, count: 4, pathContains: '/records/batch' });
    await engine.settle();
    expect(engine.target.stats().requests['POST /records/batch 503']).toBe(4);
    const audit = await expectDeliveredOnce(engine, keys(100));
    expect(actionsOf(audit, 'item-00042')).toStrictEqual(['write.intent', 'write.failed', 'write.ok']);
    const failed = audit.find((a) => a.action === 'write.failed' && a.recordKey === 'item-00042');
    expect(failed?.decision).toMatchObject({ errorClass: 'transient', attempt: 1 });
    const [row] = await listOutbox(engine.scope, { recordKey: 'item-00042' });
    expect((await listDeliveries(engine.scope, row!.id)).map((d) => d.outcome)).toStrictEqual(['transient', 'ok']);
  });

  it('timeouts: a hung request is retried; a write whose answer came too late is not applied twice', async () => {
    engine = await startEngine({ items: makeItems(20) });
    engine.target.scriptFault({ kind: 'timeout', count: 1, pathContains: '/records/batch' });
    // The next batch is applied, but answered after the client's 1 s timeout.
    engine.target.slowAnswers({ count: 1, delayMs: 1300 });
    await engine.settle();
    await new Promise((r) => setTimeout(r, 400));
    const stats = engine.target.stats();
    expect(engine.target.kit.faults.injected).toMatchObject({ timeout: 1 });
    // Three batch calls: hung, applied-but-late, and the retry that found everything applied.
    expect(Object.values(stats.attempts)).toStrictEqual(new Array(20).fill(2));
    expect(Object.values(stats.unchanged)).toStrictEqual(new Array(20).fill(1));
    await expectDeliveredOnce(engine, keys(20));
  });

  it('401 then a successful OAuth refresh: the call is repeated with the new token', async () => {
    engine = await startEngine({ items: makeItems(30) });
    engine.target.scriptFault({ kind: 'unauthorized', count: 1, pathContains: '/records/batch' });
    await engine.settle();
    expect(engine.target.stats().requests['POST /records/batch 401']).toBe(1);
    // One token at start, one after the 401.
    expect(engine.target.kit.tokens.refreshCount).toBe(2);
    expect((await getConnection(engine.scope, CONNECTION))?.status ?? 'active').toBe('active');
    await expectDeliveredOnce(engine, keys(30));
  });

  it('400 for one record of a batch: that record fails with a reconciliation item, the rest is written', async () => {
    engine = await startEngine({ items: makeItems(50) });
    engine.target.reject({ key: 'item-00007', status: 400, message: 'VALIDATION_ERROR: amount 70 exceeds the credit limit' });
    await engine.settle();
    await engine.settle();
    const stats = engine.target.stats();
    expect(stats.attempts['item-00007']).toBe(1);
    expect(stats.writes['item-00007']).toBeUndefined();
    const [row] = await listOutbox(engine.scope, { recordKey: 'item-00007' });
    expect(row).toMatchObject({ status: 'failed', lastErrorClass: 'mapping' });
    const items = await listReconciliationItems(engine.scope, { recordKey: 'item-00007' });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: 'mapping', pipeline: 'items-to-target' });
    expect(items[0]?.payload).toMatchObject({ stage: 'write', status: 400, values: { key: 'item-00007', amount: 70 } });
    expect((items[0]?.payload as { message: string }).message).toContain('amount 70 exceeds the credit limit');
    const rest = keys(50).filter((k) => k !== 'item-00007');
    for (const key of rest) expect(stats.writes[key], key).toBe(1);
    const audit = await engine.audit();
    expect(actionsOf(audit, 'item-00007')).toStrictEqual(['write.intent', 'write.failed']);
    expect(audit.find((a) => a.action === 'write.failed')?.decision).toMatchObject({ errorClass: 'mapping' });
    // Counted once, though the second round found the item open.
    expect(await engine.metric('conflicts_total', { pipeline: 'items-to-target', class: 'mapping' })).toBe(1);
    expect(await engine.metric('conflicts_total')).toBe(1);
  });

  it('409 for one record: a conflict item, never retried', async () => {
    engine = await startEngine({ items: makeItems(10) });
    engine.target.reject({ key: 'item-00003', status: 409, message: 'CONFLICT: the record was changed by someone else' });
    await engine.settle();
    await engine.settle();
    await engine.settle();
    expect(engine.target.stats().attempts['item-00003']).toBe(1);
    const [row] = await listOutbox(engine.scope, { recordKey: 'item-00003' });
    expect(row).toMatchObject({ status: 'failed', lastErrorClass: 'conflict', attempts: 1 });
    const items = await listReconciliationItems(engine.scope, { recordKey: 'item-00003' });
    expect(items.map((i) => i.kind)).toStrictEqual(['conflict']);
    expect((items[0]?.payload as { message: string }).message).toContain('changed by someone else');
    expect(await engine.metric('conflicts_total', { pipeline: 'items-to-target', class: 'target_refused' })).toBe(1);
    for (const key of keys(10).filter((k) => k !== 'item-00003')) expect(engine.target.stats().writes[key], key).toBe(1);
  });

  it('transient failures past every retry: dead letters, then a replay writes each once', async () => {
    engine = await startEngine({ items: makeItems(5) });
    // Failing until the retries run out: 3 outbox attempts, each of 3 connector attempts.
    engine.target.scriptFault({ kind: 'server_error', status: 502, count: 1000, pathContains: '/records/batch' });
    await engine.settle();
    expect(engine.target.stats().requests['POST /records/batch 502']).toBe(9);
    expect(engine.target.stats().records).toBe(0);
    engine.target.setFaults({ scripted: [] });
    const letters = await listDeadLetters(engine.scope, { pipeline: 'items-to-target' });
    expect(letters.map((l) => l.recordKey).sort()).toStrictEqual(keys(5));
    expect(letters.every((l) => l.errorClass === 'transient' && l.attempts === 3)).toBe(true);
    const [first] = await listOutbox(engine.scope, { recordKey: 'item-00001' });
    expect((await listDeliveries(engine.scope, first!.id)).map((d) => d.outcome)).toStrictEqual(['transient', 'transient', 'transient']);
    expect((await listOutbox(engine.scope, { status: 'dead' })).length).toBe(5);
    // Re-reading the source does not enqueue the dead writes again.
    await engine.settle();
    expect((await queueDepth(engine.scope)).byStatus).toMatchObject({ pending: 0, dead: 5, done: 0 });

    const replayed = await replayDeadLetters(engine.scope, letters.map((l) => l.id), 'operator:test');
    expect(replayed).toEqual({ queued: expect.any(Array), superseded: [] });
    expect(replayed.queued).toHaveLength(5);
    await engine.settle();
    await engine.settle();
    expect(await listDeadLetters(engine.scope, { pipeline: 'items-to-target' })).toStrictEqual([]);
    const audit = await expectDeliveredOnce(engine, keys(5));
    expect(actionsOf(audit, 'item-00001')).toStrictEqual(['write.intent', 'write.failed', 'write.failed', 'write.failed', 'write.ok']);
  });

  it('revoked auth: the connection needs reconnecting, its writes wait, then all arrive once', async () => {
    engine = await startEngine({ items: makeItems(40) });
    await engine.settle();
    await expectDeliveredOnce(engine, keys(40));

    // The grant is revoked; meanwhile ten items change.
    engine.target.setFaults({ revoked: true });
    const changed = keys(10);
    await engine.local('items').whereIn('id', changed).update({ amount: 999, updated_at: '2026-02-01T00:00:00.000Z' });
    await engine.runtime.runOnce();
    await engine.runtime.runOnce();
    const conn = await getConnection(engine.scope, CONNECTION);
    expect(conn).toMatchObject({ status: 'needs_reconnect', connector: 'target' });
    expect(conn?.reason).toMatch(/reconnect|refused|401/);
    expect((await queueDepth(engine.scope)).byStatus).toMatchObject({ waiting_auth: 10, pending: 0, in_flight: 0 });
    // Marked once, though every delivery round after the first met the refusal too.
    expect(await engine.metric('connection_reconnect_required_total', { tenant: 'default', connector: 'target' })).toBe(1);
    for (const key of changed) expect(engine.target.record(key)?.fields.amount).toBe(key === 'item-00010' ? 100 : Number(key.slice(-2)) * 10);

    // Reconnected (the operator re-authorised): the waiting writes go out, once each.
    engine.target.setFaults({ revoked: false });
    expect((await markReconnected(engine.scope, CONNECTION)).resumed).toBe(10);
    await engine.settle();
    for (const key of changed) expect(engine.target.record(key)?.fields.amount).toBe(999);
    const stats = engine.target.stats();
    for (const key of keys(40)) expect(stats.writes[key], key).toBe(changed.includes(key) ? 2 : 1);
    expect((await queueDepth(engine.scope)).byStatus).toMatchObject({ waiting_auth: 0, pending: 0, failed: 0, dead: 0, done: 50 });
  });
});
