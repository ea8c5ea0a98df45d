/**
 * `POST /webhooks/:tenant/:connection`: where a webhook enters the daemon.
 *
 * 1. The route parameters select the endpoint (unknown → 404).
 * 2. Its verifier checks the raw body exactly as received (failure → 401).
 * 3. Its decoder splits the JSON body into events with stable ids (wrong shape → 400).
 * 4. Every event is handed to the sink, which makes it durable and refuses ids it already holds.
 * 5. Only then 200, with counts.
 *
 * Duplicates are answered 200 as well: HubSpot and Pipedrive retry on every non-2xx answer, so a
 * 4xx for an event the daemon already holds would only bring the same delivery back, and Pipedrive
 * bans a webhook after repeated failures. (HubSpot's retry rules are known from a mirror of its
 * docs, not a vendor page.) A sink failure answers 500 so that the vendor retries.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { WebhookEventReceived, WebhookRejected, type Telemetry, type WebhookRejectReason } from '../../telemetry/events.js';
import { errorResponder, sendError } from '../errors.js';
import type { WebhookEndpoint, WebhookEndpoints } from './connections.js';
import { WebhookPayloadError, type WebhookSink } from './types.js';

export const WEBHOOK_ROUTE = '/webhooks/:tenant/:connection';

/** The path `WEBHOOK_ROUTE` serves for one endpoint. */
export function webhookPath(tenant: string, connection: string): string {
  return `/webhooks/${encodeURIComponent(tenant)}/${encodeURIComponent(connection)}`;
}

export interface WebhookRouteOptions {
  endpoints: WebhookEndpoints;
  sink: WebhookSink;
  /** Scheme, host and optional path prefix under which vendors reach the daemon. */
  publicBaseUrl: string | undefined;
  telemetry: Telemetry;
  now: () => number;
}

/** The answer to an accepted delivery. */
export interface WebhookAnswer {
  /** Events in the delivery. */
  received: number;
  /** Events stored for the first time. */
  accepted: number;
  /** Events the inbox already held (redeliveries, replays). */
  duplicates: number;
}

type Params = { tenant: string; connection: string };

export async function webhookRoutes(scope: FastifyInstance, opts: WebhookRouteOptions): Promise<void> {
  const { endpoints, sink, telemetry, now } = opts;
  const base = opts.publicBaseUrl?.replace(/\/+$/, '');

  // Signatures cover the bytes on the wire: keep the body as a Buffer, whatever its content type.
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const reject = (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply, status: number, reason: WebhookRejectReason, message: string) => {
    const endpoint = endpoints.get(request.params.tenant, request.params.connection);
    telemetry.emit(WebhookRejected, {
      tenant: endpoint?.tenant ?? '',
      connection: endpoint?.connection ?? '',
      reason: endpoint ? reason : 'unknown_connection',
      status,
      path: request.url.split('?')[0] ?? '',
      remote_address: request.ip,
    });
    return sendError(reply, status, message);
  };

  const respondToError = errorResponder(telemetry);
  scope.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reject(request as FastifyRequest<{ Params: Params }>, reply, 413, 'body_too_large', err.message);
    }
    return respondToError(err, request, reply);
  });

  scope.post<{ Params: Params }>(WEBHOOK_ROUTE, async (request, reply) => {
    const endpoint = endpoints.get(request.params.tenant, request.params.connection);
    if (!endpoint) return reject(request, reply, 404, 'unknown_connection', 'no webhook endpoint here');

    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const verdict = endpoint.verifier.verify(
      { method: request.method.toUpperCase(), url: signedUrl(endpoint, base, request), headers: request.headers, rawBody },
      now(),
    );
    // The reason goes to the log and metrics only: telling a caller which check failed helps forgers.
    if (!verdict.ok) return reject(request, reply, 401, verdict.reason, 'webhook verification failed');

    let events;
    try {
      events = endpoint.decoder.decode(JSON.parse(rawBody.toString('utf8')) as unknown);
    } catch (err) {
      const message = err instanceof WebhookPayloadError ? err.message : 'body is not valid JSON';
      return reject(request, reply, 400, 'invalid_payload', message);
    }

    const receivedAt = new Date(now()).toISOString();
    let accepted = 0;
    // One at a time, so the inbox keeps the delivery's order.
    for (const event of events) {
      const result = await sink.accept({
        tenant: endpoint.tenant,
        connection: endpoint.connection,
        eventId: event.eventId,
        receivedAt,
        payload: event.payload,
        ...(event.eventType ? { eventType: event.eventType } : {}),
        ...(event.objectId ? { objectId: event.objectId } : {}),
      });
      if (result.accepted) accepted++;
      telemetry.emit(WebhookEventReceived, {
        tenant: endpoint.tenant,
        connection: endpoint.connection,
        event_id: event.eventId,
        outcome: result.accepted ? 'accepted' : 'duplicate',
        correlation_id: request.id,
      });
    }
    const answer: WebhookAnswer = { received: events.length, accepted, duplicates: events.length - accepted };
    return reply.code(200).send(answer);
  });
}

/**
 * The URL the vendor addressed: behind a proxy the daemon cannot see it, so it is rebuilt from
 * configuration plus the path and query as received (undecoded, as signed).
 */
function signedUrl(endpoint: WebhookEndpoint, base: string | undefined, request: FastifyRequest): string {
  if (endpoint.publicUrl !== undefined) {
    const q = request.url.indexOf('?');
    return endpoint.publicUrl + (q >= 0 ? request.url.slice(q) : '');
  }
  if (base !== undefined) return base + request.url;
  return `${request.protocol}://${request.host}${request.url}`;
}
