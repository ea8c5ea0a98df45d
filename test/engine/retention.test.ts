/**
 * Retention of done writes: each pass moves the done rows older than the retention to the audit
 * trail, a bounded batch per transaction, oldest first; one worker per tenant does it.
 */
import { INBOX_MIN_KEEP_MS, startRetention } from '../../src/engine/retention.js';
import { tables } from '../../src/state/tables.js';
import { acceptEvents, claimEvents, completeEvents, failEvent, getEvent } from '../../src/state/webhookInbox.js';
import { acquireLease, claimBatch, completeOutbox, getLease, listOutbox, queryAudit, enqueueOutbox } from '../../src/state/index.js';
import { writes } from '../state/fixtures.js';
import { backends, useStore } from '../state/harness.js';

async function until(check: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.each(backends)('retention of done writes on %s', (backend) => {
  const h = useStore(backend);

  it('moves the done writes past retention to the audit trail in batches, and leaves the rest', async () => {
    const t = h.tenant();
    await enqueueOutbox(t, writes(7));
    const done = await claimBatch(t, { limit: 5, worker: 'w', leaseMs: 1000 });
    await completeOutbox(t, done.map((r) => r.id));
    h.clock.advance(60_000);
    // Done within the retention: kept.
    const recent = await claimBatch(t, { limit: 1, worker: 'w', leaseMs: 1000 });
    await completeOutbox(t, recent.map((r) => r.id));
    const purged: number[] = [];
    const retention = startRetention(h.store, [t.tenant], 'worker-a', { keepMs: 30_000, everyMs: 20, batch: 2, onPurged: (_, n) => purged.push(n) });
    try {
      await until(async () => purged.length > 0);
    } finally {
      await retention.stop();
    }
    expect(purged[0]).toBe(5);
    const left = await listOutbox(t, {});
    expect(left.map((r) => [r.recordKey, r.status]).sort()).toEqual([...recent.map((r) => [r.recordKey, 'done']), ['q-6', 'pending']].sort());
    // Their intents are audit rows now, still on each record's trail.
    for (const r of done) expect((await queryAudit(t, { pipeline: r.pipeline, recordKey: r.recordKey })).map((e) => [e.action, e.source])).toEqual([['write.intent', 'audit']]);
    expect(await getLease(t, 'retention')).toBeUndefined();
  });

  it('leaves a tenant alone while another worker holds its retention lease', async () => {
    const t = h.tenant();
    await enqueueOutbox(t, writes(2));
    await completeOutbox(t, (await claimBatch(t, { limit: 2, worker: 'w', leaseMs: 1000 })).map((r) => r.id));
    h.clock.advance(60_000);
    expect((await acquireLease(t, 'retention', 'worker-b', 600_000)).acquired).toBe(true);
    const other = h.tenant();
    await enqueueOutbox(other, writes(1));
    await completeOutbox(other, (await claimBatch(other, { limit: 1, worker: 'w', leaseMs: 1000 })).map((r) => r.id));
    h.clock.advance(60_000);
    const purged: string[] = [];
    const retention = startRetention(h.store, [t.tenant, other.tenant], 'worker-a', { keepMs: 30_000, everyMs: 20, onPurged: (tenant) => purged.push(tenant) });
    try {
      await until(async () => purged.length > 0);
    } finally {
      await retention.stop();
    }
    expect(purged).toEqual([other.tenant]);
    expect(await listOutbox(t, {})).toHaveLength(2);
  });

  it('deletes inbox events processed or never claimed before the retention, never sooner than four days, and keeps failed and claimed ones', async () => {
    const t = h.tenant();
    const inbound = (id: string) => ({ connection: 'hubspot', eventId: id, eventType: 'company.propertyChange', payload: { objectId: id } });
    await acceptEvents(t, [inbound('old-done'), inbound('old-failed'), inbound('pending'), { ...inbound('unread'), eventType: 'deal.creation' }]);
    const claimed = await claimEvents(t, { connection: 'hubspot', eventTypes: ['company.propertyChange'], limit: 2, worker: 'w', leaseMs: 60_000 });
    const byEvent = new Map(claimed.map((e) => [e.eventId, e.id]));
    await completeEvents(t, [byEvent.get('old-done') as number]);
    await failEvent(t, byEvent.get('old-failed') as number, 'no such company', null);
    // Past a one-minute retention, but not past the inbox's own minimum: kept.
    h.clock.advance(120_000);
    await acceptEvents(t, [inbound('recent-done')]);
    const recent = await claimEvents(t, { connection: 'hubspot', eventTypes: ['company.propertyChange'], limit: 5, worker: 'w', leaseMs: 60_000 });
    const unread = (await t.db(tables.webhookInbox).where({ tenant: t.tenant, event_id: 'unread' }).first()) as { id: number };
    await completeEvents(t, recent.filter((e) => e.eventId === 'recent-done').map((e) => e.id));
    const purged: number[] = [];
    const run = async () => {
      const retention = startRetention(h.store, [t.tenant], 'worker-a', { keepMs: 60_000, everyMs: 20, onInboxPurged: (_, n) => purged.push(n) });
      await new Promise((r) => setTimeout(r, 150));
      await retention.stop();
    };
    await run();
    expect(purged).toEqual([]);
    h.clock.advance(INBOX_MIN_KEEP_MS - 60_000);
    await run();
    // The processed one, and the one of a type no pipeline claimed in four days.
    expect(purged).toEqual([2]);
    expect(await getEvent(t, byEvent.get('old-done') as number)).toBeUndefined();
    expect(await getEvent(t, Number(unread.id))).toBeUndefined();
    expect((await getEvent(t, byEvent.get('old-failed') as number))?.status).toBe('failed');
    // Not processed yet: kept, however old.
    const waiting = recent.find((e) => e.eventId === 'pending');
    expect(await getEvent(t, waiting?.id as number)).toMatchObject({ eventId: 'pending', status: 'processing' });
    // Done two minutes later than the first, so inside the four days still: a redelivery is recognised.
    expect(await acceptEvents(t, [inbound('recent-done')])).toEqual([{ id: null, isNew: false }]);
  });
});
