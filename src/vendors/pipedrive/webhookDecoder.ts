/**
 * Pipedrive webhooks (v2 payloads): one event per delivery, `{meta, data, previous}`, whose
 * `meta.id` is the event's id (a string). `meta.attempt` counts retries and is never part of it.
 */
import { WebhookPayloadError, type DecodedWebhookEvent, type WebhookDecoder } from '../../server/webhooks/types.js';
import { contentId } from '../../server/webhooks/decoders/contentId.js';

export const pipedriveDecoder: WebhookDecoder = {
  name: 'pipedrive',
  decode(body: unknown): DecodedWebhookEvent[] {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new WebhookPayloadError('expected a Pipedrive webhook object');
    }
    const meta = (body as { meta?: unknown }).meta;
    if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) {
      throw new WebhookPayloadError('expected a Pipedrive webhook object with "meta"');
    }
    const id = (meta as { id?: unknown }).id;
    // v1 payloads and hand-made test deliveries may lack meta.id; fall back to the content.
    const eventId =
      (typeof id === 'string' && id !== '') || typeof id === 'number'
        ? String(id)
        : contentId(body, (path) => path.length === 2 && path[0] === 'meta' && path[1] === 'attempt');
    const m = meta as { action?: unknown; entity?: unknown; entity_id?: unknown };
    const eventType = typeof m.action === 'string' && typeof m.entity === 'string' ? `${m.action}.${m.entity}` : undefined;
    const objectId = typeof m.entity_id === 'string' || typeof m.entity_id === 'number' ? String(m.entity_id) : undefined;
    return [{ eventId, payload: body, ...(eventType ? { eventType } : {}), ...(objectId ? { objectId } : {}) }];
  },
};
