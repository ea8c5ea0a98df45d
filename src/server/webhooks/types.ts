/**
 * The contracts of webhook intake: how a delivery is verified (verifiers), how it is split into
 * events with stable ids (decoders, vendor-shaped), and where accepted events go (the sink).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { WebhookRejectReason } from '../../telemetry/events.js';

/** What a verifier sees of a delivery. */
export interface WebhookRequest {
  /** Upper-case HTTP method. */
  method: string;
  /** The URL as the sender addressed it: the configured public URL, path and query. */
  url: string;
  headers: IncomingHttpHeaders;
  /** The body exactly as received; signatures are computed over these bytes. */
  rawBody: Buffer;
}

export type VerifyResult = { ok: true } | { ok: false; reason: WebhookRejectReason };

export interface WebhookVerifier {
  readonly name: string;
  /** `now` is epoch milliseconds. Must not throw on malformed input: it answers a reason instead. */
  verify(request: WebhookRequest, now: number): VerifyResult;
}

/** One event of a delivery, with the id that makes redelivery idempotent. */
export interface DecodedWebhookEvent {
  eventId: string;
  payload: unknown;
  /** The vendor's event type as pipelines name it (`company.propertyChange`, `change.organization`). */
  eventType?: string;
  /** Id of the record the event is about, so the engine can read it through the connector. */
  objectId?: string;
}

export interface WebhookDecoder {
  readonly name: string;
  /** Splits a parsed JSON body into events; throws `WebhookPayloadError` for a body of the wrong shape. */
  decode(body: unknown): DecodedWebhookEvent[];
}

/** A verified delivery whose body does not have the shape the decoder expects (answered with 400). */
export class WebhookPayloadError extends Error {
  override readonly name = 'WebhookPayloadError';
}

/** One event handed over for durable storage. */
export interface WebhookInboxEvent {
  tenant: string;
  /** The connection name from the route. */
  connection: string;
  eventId: string;
  /** ISO 8601 time the daemon received the delivery. */
  receivedAt: string;
  payload: unknown;
  eventType?: string;
  objectId?: string;
}

/**
 * Durable intake of webhook events (the store's webhook inbox). `accept` must resolve only once the
 * event is durable, and must answer `accepted: false` for an event id it already holds for that
 * tenant and connection: that is the replay protection, shared by every worker on one store.
 */
export interface WebhookSink {
  accept(event: WebhookInboxEvent): Promise<{ accepted: boolean }>;
}
