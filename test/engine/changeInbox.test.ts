/**
 * How a batch of change events becomes inbox rows: one per record id, only the change types some
 * pipeline processes (GAP_ twins included), syncd's own writes skipped when `ignoreOrigin` says
 * so, and events that name no single record reported instead of stored.
 */
import type { ConnectorClient } from '../../src/connectors/client.js';
import { changeEventTypes, inboxEvents, type ChangeStreamTarget } from '../../src/engine/changeEvents.js';
import type { ChangeEvent } from '../../src/vendors/salesforce/pubsub/subscriber.js';

const target = (over: Partial<ChangeStreamTarget> = {}): ChangeStreamTarget => ({
  tenant: 'acme',
  connector: 'salesforce',
  object: 'Opportunity',
  topic: '/data/OpportunityChangeEvent',
  spec: { protocol: 'salesforce-pubsub', endpoint: 'http://127.0.0.1:1', tenantId: '00D000000000001AAA' },
  client: {} as ConnectorClient,
  changes: ['CREATE', 'UPDATE'],
  ...over,
});
const event = (over: Partial<ChangeEvent>): ChangeEvent => ({
  eventId: 'e1',
  replayId: Buffer.from([0, 0, 0, 0, 0, 0, 0, 9]),
  entityName: 'Opportunity',
  changeType: 'UPDATE',
  recordIds: ['006A'],
  changeOrigin: 'com/salesforce/api/rest/66.0',
  commitTimestamp: 1_780_000_000_000,
  ...over,
});

describe('change events → inbox rows', () => {
  it('stores one row per record id, under the object inbox, named by event and record', () => {
    const rows = inboxEvents(target(), [event({ recordIds: ['006A', '006B'] })], () => undefined);
    expect(rows).toEqual([
      { connection: 'salesforce:Opportunity', eventId: 'e1:006A', eventType: 'Opportunity.UPDATE', receivedAt: 1_780_000_000_000, payload: { objectId: '006A', event: { changeType: 'UPDATE', commitTimestamp: 1_780_000_000_000 } } },
      { connection: 'salesforce:Opportunity', eventId: 'e1:006B', eventType: 'Opportunity.UPDATE', receivedAt: 1_780_000_000_000, payload: { objectId: '006B', event: { changeType: 'UPDATE', commitTimestamp: 1_780_000_000_000 } } },
    ]);
  });

  it('keeps the change types pipelines process, and their gap events', () => {
    const rows = inboxEvents(target(), [event({ eventId: 'a', changeType: 'DELETE' }), event({ eventId: 'b', changeType: 'GAP_UPDATE' }), event({ eventId: 'c', changeType: 'UNDELETE' })], () => undefined);
    expect(rows.map((r) => r.eventType)).toEqual(['Opportunity.GAP_UPDATE']);
    expect(changeEventTypes('Opportunity', ['UPDATE'])).toEqual(['Opportunity.UPDATE', 'Opportunity.GAP_UPDATE']);
  });

  it("skips syncd's own writes only when ignoreOrigin is set", () => {
    const own = event({ changeOrigin: 'com/salesforce/api/rest/66.0;client=syncd' });
    expect(inboxEvents(target(), [own], () => undefined)).toHaveLength(1);
    const t = target({ spec: { ...target().spec, ignoreOrigin: 'client=syncd' } });
    expect(inboxEvents(t, [own, event({ eventId: 'e2' })], () => undefined).map((r) => r.eventId)).toEqual(['e2:006A']);
  });

  it('reports an overflow or a wildcard instead of storing a record id that cannot be read', () => {
    const unlisted: ChangeEvent[] = [];
    const rows = inboxEvents(target(), [event({ eventId: 'o', changeType: 'GAP_OVERFLOW', recordIds: ['006*'] }), event({ eventId: 'w', recordIds: ['006*'] })], (e) => unlisted.push(e));
    expect(rows).toEqual([]);
    expect(unlisted.map((e) => e.eventId)).toEqual(['o', 'w']);
  });
});
