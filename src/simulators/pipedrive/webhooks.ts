/**
 * Webhook deliveries in the v2 format (FACTS §2.5): one POST per change with `meta` (ids as
 * strings), `data` and `previous`, HTTP Basic auth from the subscription's credentials (there is
 * no signature), retries after 3, 30 and 150 s with `meta.attempt` counting 1 to 4, and a ban
 * after repeated first-attempt failures during which events are lost. Deleting a webhook after 3
 * days without success is not simulated.
 */
import { randomUUID } from 'node:crypto';
import type { SimulatorKit } from '../kit/server.js';
import { WEBHOOK_RETRY_DELAYS_MS, type ResolvedPipedriveConfig } from './config.js';
import { ENTITIES } from './entities.js';
import type { ChangeEvent, PipedriveStore, WebhookRow } from './store.js';

export class PipedriveWebhooks {
  constructor(
    private readonly kit: SimulatorKit,
    private readonly config: ResolvedPipedriveConfig,
  ) {}

  /** Sends one delivery per matching, active subscription. */
  dispatch(store: PipedriveStore, event: ChangeEvent): void {
    if (store.webhooks.size === 0) return;
    const object = ENTITIES[event.entity].object;
    const correlationId = randomUUID();
    const now = Date.now();
    for (const hook of store.webhooks.values()) {
      if (hook.version !== '2.0') continue;
      if (hook.event_object !== '*' && hook.event_object !== object) continue;
      if (hook.event_action !== '*' && hook.event_action !== event.action) continue;
      if (hook.bannedUntil > now) continue;
      this.deliver(hook, event, object, correlationId);
    }
  }

  private deliver(hook: WebhookRow, event: ChangeEvent, object: string, correlationId: string): void {
    const { company } = this.config;
    const eventId = randomUUID();
    const body = (attempt: number): string =>
      JSON.stringify({
        meta: {
          action: event.action,
          entity: object,
          company_id: String(company.id),
          correlation_id: correlationId,
          entity_id: String(event.id),
          id: eventId,
          is_bulk_edit: false,
          timestamp: new Date(Date.parse(event.at)).toISOString(),
          type: 'general',
          user_id: String(company.userId),
          version: '2.0',
          webhook_id: String(hook.id),
          webhook_owner_id: String(hook.user_id),
          change_source: event.source,
          attempt,
          host: `${company.domain}.pipedrive.com`,
          permitted_user_ids: [String(company.userId)],
        },
        data: event.current,
        previous: event.previous,
      });
    const headers: Record<string, string> = {};
    if (hook.http_auth_user !== null || hook.http_auth_password !== null) {
      const basic = Buffer.from(`${hook.http_auth_user ?? ''}:${hook.http_auth_password ?? ''}`).toString('base64');
      headers.authorization = `Basic ${basic}`;
    }
    const scale = this.config.webhooks.retryDelayScale;
    this.kit.webhooks.send({
      url: hook.subscription_url,
      body,
      headers: () => headers,
      retryDelaysMs: WEBHOOK_RETRY_DELAYS_MS.map((ms) => Math.round(ms * scale)),
      timeoutMs: this.config.webhooks.timeoutMs,
      onAttempt: (attempt) => {
        const ok = typeof attempt.status === 'number' && attempt.status >= 200 && attempt.status < 300;
        hook.last_delivery_time = attempt.at;
        hook.last_http_status = typeof attempt.status === 'number' ? attempt.status : null;
        if (attempt.attempt !== 1) return;
        hook.firstAttemptFailures = ok ? 0 : hook.firstAttemptFailures + 1;
        if (hook.firstAttemptFailures >= this.config.webhooks.banAfterFailures) {
          hook.bannedUntil = Date.now() + this.config.webhooks.banMs;
          hook.firstAttemptFailures = 0;
        }
      },
    });
  }
}
