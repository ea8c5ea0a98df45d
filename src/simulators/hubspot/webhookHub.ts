/**
 * The app's webhook settings and subscriptions, and the delivery of events to its target URL:
 * JSON arrays of at most 100 events, signed (v3 plus the legacy v1 headers), retried on
 * failure (FACTS §1.9).
 */
import type { SimulatorKit } from '../kit/server.js';
import type { ResolvedHubspotConfig } from './config.js';
import { errorBody, HubspotHttpError } from './errors.js';
import type { ObjectType } from './objectTypes.js';
import { signHubspotV1, signHubspotV3 } from './signature.js';

export interface WebhookSettings {
  targetUrl: string;
  throttling: { maxConcurrentRequests: number; period: string };
  createdAt: string;
  updatedAt: string;
}

export interface Subscription {
  id: string;
  eventType: string;
  propertyName?: string;
  objectTypeId?: string;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookEvent {
  eventId: number;
  subscriptionId: number;
  portalId: number;
  appId: number;
  occurredAt: number;
  subscriptionType: string;
  attemptNumber: number;
  objectId: number;
  changeSource: string;
  changeFlag?: string;
  propertyName?: string;
  propertyValue?: string;
  sourceId?: string;
  objectTypeId?: string;
}

/** Who made a change: a user in the CRM, or an integration through the API. */
export interface ChangeSource {
  changeSource: 'CRM' | 'INTEGRATION';
  sourceId?: string;
}

export type RecordChange =
  | { kind: 'creation'; type: ObjectType; id: string; at: number }
  | { kind: 'deletion'; type: ObjectType; id: string; at: number }
  | { kind: 'propertyChange'; type: ObjectType; id: string; at: number; property: string; value: string };

const OBJECT_EVENTS = ['creation', 'deletion', 'propertyChange', 'associationChange', 'merge', 'restore'];
const EVENT_TYPES = new Set<string>([
  ...['contact', 'company', 'deal'].flatMap((o) => OBJECT_EVENTS.map((e) => `${o}.${e}`)),
  'contact.privacyDeletion',
  ...OBJECT_EVENTS.map((e) => `object.${e}`),
]);

// Minutes before each of the 10 retries: about 24 h in all, as documented [2nd]. The exact
// spacing is UNCONFIRMED (HubSpot only says "randomised"); each delay is jittered ±25%.
const RETRY_MINUTES = [1, 2, 5, 10, 30, 60, 120, 240, 480, 480];
const MAX_EVENTS_PER_REQUEST = 100;

export class WebhookHub {
  settings: WebhookSettings | undefined;
  readonly subscriptions = new Map<string, Subscription>();
  private nextSubscriptionId = 1;
  private nextEventId = 1;
  private queue: WebhookEvent[] = [];
  private flushScheduled = false;

  constructor(
    private readonly config: ResolvedHubspotConfig,
    private readonly kit: SimulatorKit,
  ) {}

  /** Whether any change could produce an event (keeps writes cheap when nothing listens). */
  get listening(): boolean {
    return this.settings !== undefined && this.subscriptions.size > 0;
  }

  reset(): void {
    this.settings = undefined;
    this.subscriptions.clear();
    this.nextSubscriptionId = 1;
    this.nextEventId = 1;
    this.queue = [];
  }

  putSettings(body: unknown): WebhookSettings {
    const b = (body ?? {}) as { targetUrl?: unknown; throttling?: { maxConcurrentRequests?: unknown; period?: unknown } };
    if (typeof b.targetUrl !== 'string' || !/^https?:\/\//.test(b.targetUrl)) {
      throw new HubspotHttpError(400, errorBody('VALIDATION_ERROR', 'targetUrl must be an http(s) URL', { errors: [{ message: 'invalid URL', in: 'targetUrl' }] }));
    }
    const max = b.throttling?.maxConcurrentRequests;
    const now = new Date().toISOString();
    this.settings = {
      targetUrl: b.targetUrl,
      throttling: { maxConcurrentRequests: typeof max === 'number' ? max : 10, period: typeof b.throttling?.period === 'string' ? b.throttling.period : 'SECONDLY' },
      createdAt: this.settings?.createdAt ?? now,
      updatedAt: now,
    };
    return this.settings;
  }

  createSubscription(body: unknown): Subscription {
    const b = (body ?? {}) as Record<string, unknown>;
    const eventType = b.eventType;
    if (typeof eventType !== 'string' || !EVENT_TYPES.has(eventType)) {
      throw new HubspotHttpError(400, errorBody('VALIDATION_ERROR', `Invalid eventType: ${String(eventType)}`, { errors: [{ message: 'unknown event type', in: 'eventType' }] }));
    }
    if (eventType.endsWith('.propertyChange') && typeof b.propertyName !== 'string') {
      throw new HubspotHttpError(400, errorBody('VALIDATION_ERROR', 'propertyName is required for propertyChange subscriptions', { errors: [{ message: 'required', in: 'propertyName' }] }));
    }
    const now = new Date().toISOString();
    const sub: Subscription = {
      id: String(this.nextSubscriptionId++),
      eventType,
      ...(typeof b.propertyName === 'string' ? { propertyName: b.propertyName } : {}),
      ...(typeof b.objectTypeId === 'string' ? { objectTypeId: b.objectTypeId } : {}),
      active: b.active === true,
      createdAt: now,
      updatedAt: now,
    };
    this.subscriptions.set(sub.id, sub);
    return sub;
  }

  /** Turns a change into events for every matching active subscription and queues them. */
  emit(change: RecordChange, source: ChangeSource): void {
    if (!this.listening) return;
    const objectWide = `${change.type.singular}.${change.kind}`;
    const generic = `object.${change.kind}`;
    for (const sub of this.subscriptions.values()) {
      if (!sub.active) continue;
      const isGeneric = sub.eventType === generic && sub.objectTypeId === change.type.id;
      if (sub.eventType !== objectWide && !isGeneric) continue;
      if (change.kind === 'propertyChange' && sub.propertyName !== change.property) continue;
      const ev: WebhookEvent = {
        eventId: this.nextEventId++,
        subscriptionId: Number(sub.id),
        portalId: this.config.portalId,
        appId: this.config.webhooks.appId,
        occurredAt: change.at,
        subscriptionType: sub.eventType,
        attemptNumber: 0,
        objectId: Number(change.id),
        changeSource: source.changeSource,
        ...(source.sourceId ? { sourceId: source.sourceId } : {}),
        ...(isGeneric ? { objectTypeId: change.type.id } : {}),
      };
      if (change.kind === 'creation') ev.changeFlag = 'NEW';
      if (change.kind === 'deletion') ev.changeFlag = 'DELETED';
      if (change.kind === 'propertyChange') {
        ev.propertyName = change.property;
        ev.propertyValue = change.value;
      }
      this.queue.push(ev);
    }
    if (this.queue.length > 0 && !this.flushScheduled) {
      // Changes made in one request leave together, as HubSpot batches events per delivery.
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const settings = this.settings;
    const events = this.queue;
    this.queue = [];
    if (!settings) return;
    for (let i = 0; i < events.length; i += MAX_EVENTS_PER_REQUEST) this.deliver(settings.targetUrl, events.slice(i, i + MAX_EVENTS_PER_REQUEST));
  }

  private deliver(url: string, events: WebhookEvent[]): void {
    const secret = this.config.webhooks.clientSecret;
    const scale = this.config.webhooks.retryDelayScale;
    const bodyFor = (attempt: number): string => JSON.stringify(events.map((e) => ({ ...e, attemptNumber: attempt - 1 })));
    this.kit.webhooks.send({
      url,
      body: bodyFor,
      headers: (_attempt, body) => {
        const timestamp = String(Date.now());
        return {
          'X-HubSpot-Signature-v3': signHubspotV3(secret, 'POST', url, body, timestamp),
          'X-HubSpot-Request-Timestamp': timestamp,
          'X-HubSpot-Signature': signHubspotV1(secret, body),
          'X-HubSpot-Signature-Version': 'v1',
        };
      },
      retryDelaysMs: RETRY_MINUTES.map((m) => Math.round(m * 60_000 * (0.75 + this.kit.rand() * 0.5) * scale)),
      timeoutMs: this.config.webhooks.timeoutMs,
    });
  }
}
