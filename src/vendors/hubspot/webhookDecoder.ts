/**
 * HubSpot v3 app webhooks: each delivery is a JSON array of up to 100 events. HubSpot says
 * `eventId` is "not guaranteed to be unique", so the replay key combines it with the portal, the
 * subscription and `occurredAt`. `attemptNumber` changes on every retry and is never part of it.
 */
import { WebhookPayloadError, type DecodedWebhookEvent, type WebhookDecoder } from '../../server/webhooks/types.js';
import { contentId } from '../../server/webhooks/decoders/contentId.js';

type Id = string | number;
const isId = (v: unknown): v is Id => (typeof v === 'string' && v !== '') || (typeof v === 'number' && Number.isFinite(v));

export const hubspotDecoder: WebhookDecoder = {
  name: 'hubspot',
  decode(body: unknown): DecodedWebhookEvent[] {
    if (!Array.isArray(body)) throw new WebhookPayloadError('expected a JSON array of HubSpot events');
    return body.map((event: unknown, i) => {
      if (event === null || typeof event !== 'object' || Array.isArray(event)) {
        throw new WebhookPayloadError(`event ${i} is not an object`);
      }
      const e = event as Record<string, unknown>;
      const { portalId, subscriptionId, eventId, occurredAt } = e;
      const eventKey =
        isId(eventId) && isId(occurredAt)
          ? [portalId, subscriptionId, eventId, occurredAt].map((v) => (isId(v) ? String(v) : '')).join('-')
          : contentId(e, (path) => path.length === 1 && path[0] === 'attemptNumber');
      return {
        eventId: eventKey,
        payload: e,
        ...(typeof e.subscriptionType === 'string' ? { eventType: e.subscriptionType } : {}),
        ...(isId(e.objectId) ? { objectId: String(e.objectId) } : {}),
      };
    });
  },
};
