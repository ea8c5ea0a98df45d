import {
  acceptEvent,
  acceptEvents,
  appendAudit,
  claimEvents,
  commitCursor,
  enqueueOutbox,
  completeEvents,
  failEvent,
  getCursor,
  getEvent,
  getReconciliationItem,
  listCursors,
  listReconciliationItems,
  openReconciliationItem,
  queryAudit,
  recordDeliveries,
  resetCursors,
  resolveReconciliationItem,
} from '../../src/state/index.js';
import { backends, useStore } from './harness.js';

describe.each(backends)('operator records on %s', (backend) => {
  const h = useStore(backend);

  describe('cursors', () => {
    it('store any JSON value per pipeline and source, and reset for backfill', async () => {
      const t = h.tenant();
      await commitCursor(t, { pipeline: 'quotes', source: 'quotey' }, { updatedAt: '2024-05-01T00:00:00Z', id: 7 });
      await commitCursor(t, { pipeline: 'quotes', source: 'hubspot' }, '12345');
      await commitCursor(t, { pipeline: 'quotes', source: 'hubspot' }, '12399');
      expect(await getCursor(t, { pipeline: 'quotes', source: 'hubspot' })).toEqual({ pipeline: 'quotes', source: 'hubspot', value: '12399', updatedAt: h.clock.now });
      expect((await listCursors(t, { pipeline: 'quotes' })).map((c) => c.source)).toEqual(['hubspot', 'quotey']);
      expect(await resetCursors(t, 'quotes', 'hubspot')).toBe(1);
      expect(await getCursor(t, { pipeline: 'quotes', source: 'hubspot' })).toBeUndefined();
      expect(await resetCursors(t, 'quotes')).toBe(1);
    });
  });

  describe('reconciliation items', () => {
    it('open with an actionable payload, dedupe while open, and resolve with who and how', async () => {
      const t = h.tenant();
      const payload = { field: 'deal.crm_ref', base: '006A', local: '006A', remote: '006B', action: 'confirm which opportunity this quote belongs to' };
      const first = await openReconciliationItem(t, { kind: 'conflict', pipeline: 'quotes', recordKey: 'q-1', field: 'deal.crm_ref', payload, dedupeKey: 'quotes/q-1/deal.crm_ref' });
      expect(first).toMatchObject({ isNew: true, item: { kind: 'conflict', status: 'open', payload } });
      h.clock.advance(10);
      const again = await openReconciliationItem(t, { kind: 'conflict', pipeline: 'quotes', recordKey: 'q-1', payload: { ...payload, remote: '006C' }, dedupeKey: 'quotes/q-1/deal.crm_ref' });
      expect(again).toMatchObject({ isNew: false, item: { id: first.item.id, payload: { remote: '006C' }, updatedAt: h.clock.now } });
      await openReconciliationItem(t, { kind: 'mapping', pipeline: 'signals', recordKey: 's-1', payload: { error: 'missing required property hs_note_body' } });
      expect((await listReconciliationItems(t)).map((i) => i.kind)).toEqual(['conflict', 'mapping']);
      expect((await listReconciliationItems(t, { kind: 'mapping' })).map((i) => i.recordKey)).toEqual(['s-1']);

      expect(await resolveReconciliationItem(t, first.item.id, { take: 'local' }, 'operator:ana')).toBe(true);
      expect(await resolveReconciliationItem(t, first.item.id, { take: 'remote' }, 'operator:bo')).toBe(false);
      expect(await getReconciliationItem(t, first.item.id)).toMatchObject({ status: 'resolved', resolution: { take: 'local' }, resolvedBy: 'operator:ana' });
      // Once resolved, the same problem opens a new item.
      const reopened = await openReconciliationItem(t, { kind: 'conflict', pipeline: 'quotes', recordKey: 'q-1', payload, dedupeKey: 'quotes/q-1/deal.crm_ref' });
      expect(reopened.isNew).toBe(true);
      expect(reopened.item.id).not.toBe(first.item.id);
    });
  });

  describe('audit', () => {
    it('records intents and outcomes and returns a record’s history in order', async () => {
      const t = h.tenant();
      await appendAudit(t, [
        { actor: 'pipeline:quotes', action: 'write.intent', pipeline: 'quotes', recordKey: 'q-1', connection: 'hubspot', idempotencyKey: 'k1', before: { amount: 1 }, after: { amount: 2 } },
        { actor: 'pipeline:quotes', action: 'write.intent', pipeline: 'quotes', recordKey: 'q-2', idempotencyKey: 'k2' },
      ]);
      h.clock.advance(5);
      await appendAudit(t, [
        { actor: 'pipeline:quotes', action: 'merge.decision', pipeline: 'quotes', recordKey: 'q-1', decision: { policy: 'merge_with_audit', winner: 'remote', base: 1 } },
        { actor: 'pipeline:quotes', action: 'write.ok', pipeline: 'quotes', recordKey: 'q-1', idempotencyKey: 'k1', at: h.clock.now + 1 },
      ]);
      const history = await queryAudit(t, { recordKey: 'q-1' });
      expect(history.map((e) => [e.action, e.at - h.clock.now])).toEqual([
        ['write.intent', -5],
        ['merge.decision', 0],
        ['write.ok', 1],
      ]);
      expect(history[0]).toMatchObject({ before: { amount: 1 }, after: { amount: 2 }, idempotencyKey: 'k1', connection: 'hubspot' });
      expect(history[1]!.decision).toEqual({ policy: 'merge_with_audit', winner: 'remote', base: 1 });
      expect((await queryAudit(t, { idempotencyKey: 'k1' })).map((e) => e.action)).toEqual(['write.intent', 'write.ok']);
    });
  });

  describe('write outcomes on the audit trail', () => {
    it('are the outbox row and the delivery attempts of the write, listed with what it sent', async () => {
      const t = h.tenant();
      const values = { dealname: 'Q-7', amount: 70 };
      const intent = { before: { 'deal.amount': 60 }, decision: { operation: 'batchUpsert', strategy: 'existing_link' } };
      const { inserted } = await enqueueOutbox(t, [
        { idempotencyKey: 'k7', pipeline: 'quotes', connection: 'hubspot', operation: 'batchUpsert', recordKey: 'q-7', payload: { values, link: { localKey: 'q-7' }, base: {}, intent }, contentVersion: 'v7', correlationId: 'corr-7' },
      ]);
      const outboxId = inserted[0]!.id;
      // A merge decision of the same plan, in the same millisecond, comes before the intent.
      await appendAudit(t, [{ actor: 'pipeline:quotes', action: 'merge.decision', pipeline: 'quotes', recordKey: 'q-7', decision: { field: 'deal.amount' } }]);
      // The first attempt settles in the intent's millisecond: the intent still comes first.
      await recordDeliveries(t, [{ outboxId, attempt: 1, outcome: 'transient', statusCode: 503, errorClass: 'transient', error: 'Service Unavailable', durationMs: 12 }]);
      h.clock.advance(50);
      await recordDeliveries(t, [{ outboxId, attempt: 2, outcome: 'ok', durationMs: 8, remoteId: '9001', created: true }]);
      // Settled in the same transaction: the older write's supersession follows its attempt.
      await appendAudit(t, [{ actor: 'pipeline:quotes', action: 'write.superseded', pipeline: 'quotes', recordKey: 'q-7', idempotencyKey: 'k7' }]);
      h.clock.advance(1);
      await appendAudit(t, [{ actor: 'operator:ana', action: 'link.rejected', pipeline: 'quotes', recordKey: 'q-7' }]);

      const history = await queryAudit(t, { recordKey: 'q-7' });
      expect(history.map((e) => [e.action, e.source])).toEqual([
        ['merge.decision', 'audit'],
        ['write.intent', 'outbox'],
        ['write.failed', 'delivery'],
        ['write.ok', 'delivery'],
        ['write.superseded', 'audit'],
        ['link.rejected', 'audit'],
      ]);
      expect(history[1]).toMatchObject({ actor: 'pipeline:quotes', pipeline: 'quotes', recordKey: 'q-7', connection: 'hubspot', idempotencyKey: 'k7', correlationId: 'corr-7', before: intent.before, after: values, decision: intent.decision });
      expect(history[2]).toMatchObject({ actor: 'pipeline:quotes', pipeline: 'quotes', connection: 'hubspot', idempotencyKey: 'k7', correlationId: 'corr-7', after: values, decision: { errorClass: 'transient', message: 'Service Unavailable', attempt: 1 } });
      expect(history[3]).toMatchObject({ at: h.clock.now - 1, after: values, decision: { operation: 'batchUpsert', remoteId: '9001', created: true, attempt: 2 } });
      expect((await queryAudit(t, { idempotencyKey: 'k7' })).map((e) => e.action)).toEqual(['write.intent', 'write.failed', 'write.ok', 'write.superseded']);
      expect((await queryAudit(t, { recordKey: 'q-7', since: h.clock.now - 1 })).map((e) => e.action)).toEqual(['write.ok', 'write.superseded', 'link.rejected']);

      // Page by page, each entry once, across both kinds.
      const pages: string[][] = [];
      let after: (typeof history)[number] | undefined;
      for (;;) {
        const page = await queryAudit(t, { pipeline: 'quotes', limit: 1, ...(after ? { after } : {}) });
        if (page.length === 0) break;
        pages.push(page.map((e) => e.action));
        after = page[page.length - 1];
      }
      expect(pages).toEqual([['merge.decision'], ['write.intent'], ['write.failed'], ['write.ok'], ['write.superseded'], ['link.rejected']]);
      // Another record's trail holds none of them.
      expect(await queryAudit(t, { recordKey: 'q-8' })).toEqual([]);
    });
  });

  describe('audit values', () => {
    it('keep every character of text and JSON columns, and read null and absent values back alike', async () => {
      const t = h.tenant();
      const awkward = 'quote " backslash \\ newline \n tab \t umlaut ü emoji 🚀 {"not": "json"} [1, 2]';
      await appendAudit(t, [
        { actor: `operator:${awkward}`, action: 'merge.decision', pipeline: 'p', recordKey: 'r-1', before: { text: awkward, n: 1.5, big: 2 ** 53 - 1, list: [null, true] }, after: awkward, decision: [awkward] },
        { actor: 'operator:x', action: 'merge.decision', pipeline: 'p', recordKey: 'r-2', before: null },
        // A lone surrogate (a string cut inside an emoji) is stored as U+FFFD, in text and in JSON;
        // so is a NUL in JSON, which PostgreSQL cannot store.
        { actor: 'operator:\ud83d', action: 'merge.decision', pipeline: 'p', recordKey: 'r-3', after: { name: 'cut \ud83d', note: 'a\u0000b', 'key\u0000': [1] } },
      ]);
      const [first] = await queryAudit(t, { recordKey: 'r-1' });
      expect(first).toMatchObject({ actor: `operator:${awkward}`, before: { text: awkward, n: 1.5, big: 2 ** 53 - 1, list: [null, true] }, after: awkward, decision: [awkward] });
      const [second] = await queryAudit(t, { recordKey: 'r-2' });
      expect([second?.before, second?.after, second?.decision]).toEqual([null, null, null]);
      const [third] = await queryAudit(t, { recordKey: 'r-3' });
      expect(third?.actor).toMatch(/^operator:\ufffd+$/);
      expect((third?.after as { name: string }).name).toMatch(/^cut \ufffd+$/);
      expect(third?.after).toMatchObject({ note: 'a\ufffdb', 'key\ufffd': [1] });
    });
  });

  describe('webhook inbox', () => {
    it('accepts a delivery whose payload holds a NUL or a cut emoji, on either store', async () => {
      const t = h.tenant();
      const accepted = await acceptEvent(t, { connection: 'hubspot', eventId: 'evt-nul', payload: { name: 'a\u0000b \ud83d' } });
      expect(accepted.isNew).toBe(true);
      expect((await getEvent(t, accepted.id!))?.payload).toEqual({ name: 'a\ufffdb \ufffd' });
    });

    it('hands each pipeline the event types it reads, leaving the connection\'s others to another', async () => {
      const t = h.tenant();
      const e = (eventId: string, eventType: string) => ({ connection: 'hubspot', eventId, eventType, payload: { objectId: eventId } });
      await acceptEvents(t, [e('c1', 'company.propertyChange'), e('p1', 'contact.propertyChange'), e('c2', 'company.creation'), e('d1', 'deal.creation')]);
      const companies = await claimEvents(t, { limit: 10, worker: 'w1', leaseMs: 5_000, connection: 'hubspot', eventTypes: ['company.propertyChange', 'company.creation'] });
      expect(companies.map((c) => c.eventId)).toEqual(['c1', 'c2']);
      const contacts = await claimEvents(t, { limit: 10, worker: 'w2', leaseMs: 5_000, connection: 'hubspot', eventTypes: ['contact.propertyChange'] });
      expect(contacts.map((c) => c.eventId)).toEqual(['p1']);
      expect(await claimEvents(t, { limit: 10, worker: 'w3', leaseMs: 5_000, connection: 'hubspot', eventTypes: [] })).toEqual([]);
      // Nobody reads deals: the event waits, unclaimed.
      expect((await claimEvents(t, { limit: 10, worker: 'w3', leaseMs: 5_000, connection: 'hubspot' })).map((c) => c.eventId)).toEqual(['d1']);
    });

    it('accepts each event once per connection and hands it to one worker', async () => {
      const t = h.tenant();
      const e = { connection: 'hubspot', eventId: 'evt-1', eventType: 'company.propertyChange', payload: { objectId: 901 } };
      const first = await acceptEvent(t, e);
      expect(first.isNew).toBe(true);
      expect(await acceptEvent(t, e)).toEqual({ id: null, isNew: false });
      const batch = await acceptEvents(t, [e, { ...e, connection: 'pipedrive' }, { ...e, eventId: 'evt-2' }, { ...e, eventId: 'evt-2' }]);
      expect(batch.map((r) => r.isNew)).toEqual([false, true, true, false]);

      const claimed = await claimEvents(t, { limit: 10, worker: 'w1', leaseMs: 5_000, connection: 'hubspot' });
      expect(claimed.map((c) => c.eventId)).toEqual(['evt-1', 'evt-2']);
      expect(claimed[0]).toMatchObject({ status: 'processing', attempts: 1, payload: { objectId: 901 }, receivedAt: h.clock.now });
      expect(await claimEvents(t, { limit: 10, worker: 'w2', leaseMs: 5_000, connection: 'hubspot' })).toEqual([]);

      expect(await completeEvents(t, [claimed[0]!.id])).toBe(1);
      expect(await failEvent(t, claimed[1]!.id, 'queast timeout', 1_000)).toBe(true);
      h.clock.advance(1_000);
      const retry = await claimEvents(t, { limit: 10, worker: 'w2', leaseMs: 5_000, connection: 'hubspot' });
      expect(retry.map((c) => [c.eventId, c.attempts, c.lastError])).toEqual([['evt-2', 2, 'queast timeout']]);
      // The worker dies: after the claim expires another takes over.
      h.clock.advance(5_000);
      const takeover = await claimEvents(t, { limit: 10, worker: 'w3', leaseMs: 5_000 });
      expect(takeover.map((c) => [c.eventId, c.connection, c.claimedBy])).toEqual([
        ['evt-1', 'pipedrive', 'w3'],
        ['evt-2', 'hubspot', 'w3'],
      ]);
      expect(await failEvent(t, retry[0]!.id, 'bad payload', null)).toBe(true);
      expect(await getEvent(t, retry[0]!.id)).toMatchObject({ status: 'failed', lastError: 'bad payload', processedAt: h.clock.now });
      expect(await getEvent(t, first.id!)).toMatchObject({ status: 'done' });
    });
  });
});

describe('webhook inbox shared by several processes on postgres', () => {
  const h = useStore('postgres');

  it('accepts a redelivered event once and hands each event to one worker', async () => {
    const stores = Array.from({ length: 3 }, () => h.open({ poolMax: 2 }));
    const accepted = await Promise.all(
      stores.map((s) => acceptEvent(s.forTenant('hooks'), { connection: 'hubspot', eventId: 'evt-dup', payload: {} })),
    );
    expect(accepted.filter((r) => r.isNew)).toHaveLength(1);
    await acceptEvents(
      h.store.forTenant('hooks'),
      Array.from({ length: 300 }, (_, i) => ({ connection: 'hubspot', eventId: `e${i}`, payload: { i } })),
    );
    const claimed = await Promise.all(
      stores.map(async (s, i) => {
        const ids: number[] = [];
        for (;;) {
          const batch = await claimEvents(s.forTenant('hooks'), { limit: 10, worker: `w${i}`, leaseMs: 60_000 });
          if (batch.length === 0) return ids;
          ids.push(...batch.map((e) => e.id));
          await completeEvents(s.forTenant('hooks'), batch.map((e) => e.id));
        }
      }),
    );
    expect(claimed.flat()).toHaveLength(301);
    expect(new Set(claimed.flat()).size).toBe(301);
  });
});
