/**
 * Webhook intake for the daemon: which connections receive webhooks (each connector with a
 * `webhooks` block, per tenant, at `/webhooks/<tenant>/<connector>`), and the sink that makes each
 * verified event durable in the store's inbox before the vendor gets its 2xx.
 */
import type { ConnectorDocument } from '../spec/types.js';
import { durationMs } from '../spec/duration.js';
import type { Store } from '../state/store.js';
import { acceptEvent } from '../state/webhookInbox.js';
import type { WebhookConnectionConfig } from '../server/webhooks/connections.js';
import type { VerifierConfig } from '../server/webhooks/verifiers/index.js';
import type { WebhookSink } from '../server/webhooks/types.js';

export function webhookConnections(connectors: ConnectorDocument[], tenants: string[]): WebhookConnectionConfig[] {
  const out: WebhookConnectionConfig[] = [];
  for (const c of connectors) {
    const w = c.spec.webhooks;
    if (!w) continue;
    const v = w.verify;
    const verifier: VerifierConfig =
      v.type === 'hubspot-v3'
        ? { type: 'hubspot-v3', clientSecret: v.secret, ...(v.tolerance ? { maxSkewMs: durationMs(v.tolerance, 300_000) } : {}) }
        : v.type === 'basic-auth'
          ? { type: 'basic-auth', username: v.username, password: v.password }
          : { type: 'none' };
    for (const tenant of tenants) out.push({ tenant, connection: c.metadata.name, verifier, decoder: w.decoder });
  }
  return out;
}

export function inboxSink(store: Store): WebhookSink {
  return {
    async accept(event) {
      const scope = store.forTenant(event.tenant);
      const { isNew } = await acceptEvent(scope, {
        connection: event.connection,
        eventId: event.eventId,
        ...(event.eventType ? { eventType: event.eventType } : {}),
        receivedAt: Date.parse(event.receivedAt),
        payload: { objectId: event.objectId ?? null, event: event.payload },
      });
      return { accepted: isNew };
    },
  };
}
