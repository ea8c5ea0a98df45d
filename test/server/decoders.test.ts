import { getDecoder } from '../../src/server/webhooks/decoders/index.js';
import { WebhookPayloadError } from '../../src/server/webhooks/types.js';

// FACTS.md §1.9 event object.
const hubspotEvent = {
  eventId: 1,
  subscriptionId: 12345,
  portalId: 62515,
  occurredAt: 1564113600000,
  subscriptionType: 'contact.creation',
  attemptNumber: 0,
  objectId: 123,
  changeSource: 'CRM',
  changeFlag: 'NEW',
  appId: 54321,
};

describe('hubspot decoder', () => {
  const d = getDecoder('hubspot');

  it('splits the array into events keyed by portal, subscription, eventId and occurredAt', () => {
    const second = { ...hubspotEvent, eventId: 2, objectId: 124 };
    expect(d.decode([hubspotEvent, second])).toEqual([
      { eventId: '62515-12345-1-1564113600000', eventType: 'contact.creation', objectId: '123', payload: hubspotEvent },
      { eventId: '62515-12345-2-1564113600000', eventType: 'contact.creation', objectId: '124', payload: second },
    ]);
  });

  it('tells apart events that reuse an eventId, and keeps retries (attemptNumber) together', () => {
    const [a] = d.decode([hubspotEvent]);
    const [reused] = d.decode([{ ...hubspotEvent, occurredAt: hubspotEvent.occurredAt + 1 }]);
    const [otherSub] = d.decode([{ ...hubspotEvent, subscriptionId: 999 }]);
    const [retry] = d.decode([{ ...hubspotEvent, attemptNumber: 3 }]);
    expect(new Set([a?.eventId, reused?.eventId, otherSub?.eventId]).size).toBe(3);
    expect(retry?.eventId).toBe(a?.eventId);
  });

  it('falls back to a content id that ignores attemptNumber when ids are missing', () => {
    const bare = { subscriptionType: 'contact.creation', objectId: 5, attemptNumber: 0 };
    const [x] = d.decode([bare]);
    const [y] = d.decode([{ objectId: 5, subscriptionType: 'contact.creation', attemptNumber: 2 }]);
    const [z] = d.decode([{ ...bare, objectId: 6 }]);
    expect(x?.eventId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(y?.eventId).toBe(x?.eventId);
    expect(z?.eventId).not.toBe(x?.eventId);
  });

  it('refuses a body that is not an array of objects', () => {
    expect(() => d.decode({ eventId: 1 })).toThrow(WebhookPayloadError);
    expect(() => d.decode([hubspotEvent, 7])).toThrowErrorMatchingInlineSnapshot(`[WebhookPayloadError: event 1 is not an object]`);
  });
});

describe('pipedrive decoder', () => {
  const d = getDecoder('pipedrive');
  const delivery = {
    meta: { action: 'change', entity: 'deal', id: '1b7c5a4e-2f1d-4c52-9a7e-0d7f6f1d2a10', entity_id: '42', attempt: 1, version: '2.0' },
    data: { id: 42, title: 'Renewal' },
    previous: { title: 'Renewl' },
  };

  it('uses meta.id as the event id', () => {
    expect(d.decode(delivery)).toEqual([{ eventId: '1b7c5a4e-2f1d-4c52-9a7e-0d7f6f1d2a10', eventType: 'change.deal', objectId: '42', payload: delivery }]);
  });

  it('falls back to a content id that ignores meta.attempt', () => {
    const { id: _drop, ...meta } = delivery.meta;
    const [a] = d.decode({ ...delivery, meta });
    const [b] = d.decode({ ...delivery, meta: { ...meta, attempt: 4 } });
    const [c] = d.decode({ ...delivery, meta, data: { id: 42, title: 'Other' } });
    expect(a?.eventId).toMatch(/^sha256:/);
    expect(b?.eventId).toBe(a?.eventId);
    expect(c?.eventId).not.toBe(a?.eventId);
  });

  it('refuses a body without meta', () => {
    expect(() => d.decode([delivery])).toThrow(WebhookPayloadError);
    expect(() => d.decode({ data: {} })).toThrowErrorMatchingInlineSnapshot(`[WebhookPayloadError: expected a Pipedrive webhook object with "meta"]`);
  });
});

describe('decoder selection', () => {
  it('refuses unknown names', () => {
    expect(() => getDecoder('salesforce-cdc')).toThrowErrorMatchingInlineSnapshot(`[Error: unknown webhook decoder "salesforce-cdc"; known: hubspot, pipedrive]`);
  });
});
