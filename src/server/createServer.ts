/**
 * The daemon's single HTTP port: `/healthz`, `/readyz`, `/metrics` and the webhook intake.
 * The caller listens (`await app.listen({ port, host })`) and closes (`await app.close()`): closing
 * stops accepting connections, answers 503 to new requests on kept-alive ones, and resolves once
 * the requests in flight have been answered (or `closeTimeoutMs` has passed).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Telemetry } from '../telemetry/events.js';
import { renderMetrics } from '../telemetry/metrics.js';
import { processSecrets, type SecretRegistry } from '../telemetry/secrets.js';
import { errorResponder, sendError } from './errors.js';
import { runReadinessChecks, type ReadinessCheck } from './readiness.js';
import { WebhookEndpoints, type WebhookConnectionConfig } from './webhooks/connections.js';
import { webhookRoutes } from './webhooks/route.js';
import type { WebhookSink } from './webhooks/types.js';

export interface WebhookServerOptions {
  /**
   * Scheme, host and optional path prefix under which vendors reach this daemon, e.g.
   * `https://sync.example.com` or `https://gw.example.com/syncd`. HubSpot signs the full URL it
   * called, which a daemon behind a proxy cannot see; it is rebuilt as this + path + query.
   * Required when any connection uses `hubspot-v3` or `hubspot-v2` without its own `publicUrl`.
   * @defaultValue the scheme and Host header of each request
   */
  publicBaseUrl?: string;
  connections: readonly WebhookConnectionConfig[];
  /** Durable intake (the store's webhook inbox): events are answered 2xx only once it resolves. */
  sink: WebhookSink;
}

export interface ServerOptions {
  telemetry: Telemetry;
  /** Checks behind `/readyz`. @defaultValue `[]` (always ready) */
  readiness?: readonly ReadinessCheck[];
  /** Time each readiness check may take before it counts as not ready. @defaultValue 2000 ms */
  readinessTimeoutMs?: number;
  /** Webhook intake; without it, `/webhooks/…` answers 404. */
  webhooks?: WebhookServerOptions;
  /** Largest request body accepted, in bytes; larger ones get 413. @defaultValue 1 MiB */
  bodyLimit?: number;
  /** Time allowed to receive a whole request, so slow senders cannot hold sockets. @defaultValue 30000 ms */
  requestTimeoutMs?: number;
  /** Trust `X-Forwarded-*` from a proxy for the client address in logs. @defaultValue false */
  trustProxy?: boolean;
  /**
   * How long `close()` waits for requests in flight before cutting their connections, so a stuck
   * client cannot hold up shutdown. @defaultValue 10000 ms
   */
  closeTimeoutMs?: number;
  /** Clock in epoch ms, for signature timestamp windows. @defaultValue `Date.now` */
  now?: () => number;
  /** Registry where verifier secrets are registered for redaction. @defaultValue the process-wide one */
  secrets?: SecretRegistry;
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** Verifiers whose signature covers the URL the vendor called. */
const URL_SIGNING = new Set(['hubspot-v3', 'hubspot-v2']);

export function createServer(options: ServerOptions): FastifyInstance {
  const { telemetry } = options;
  const secrets = options.secrets ?? processSecrets;
  const readiness = options.readiness ?? [];
  const readinessTimeoutMs = options.readinessTimeoutMs ?? 2000;

  // Built before the server so configuration mistakes fail start-up, not the first delivery.
  const endpoints = options.webhooks ? new WebhookEndpoints(options.webhooks.connections, secrets) : undefined;
  if (options.webhooks && options.webhooks.publicBaseUrl === undefined) {
    const unanchored = options.webhooks.connections.find((c) => URL_SIGNING.has(c.verifier.type) && c.publicUrl === undefined);
    if (unanchored) {
      throw new Error(
        `webhook endpoint ${unanchored.tenant}/${unanchored.connection} verifies signatures that cover the public URL: set publicBaseUrl or the endpoint's publicUrl`,
      );
    }
  }

  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    trustProxy: options.trustProxy ?? false,
    return503OnClosing: true,
  });

  drainOnClose(app, options.closeTimeoutMs ?? 10_000);
  app.setErrorHandler(errorResponder(telemetry));
  app.setNotFoundHandler((_request, reply) => sendError(reply, 404, 'no such route'));

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const checks = await runReadinessChecks(readiness, readinessTimeoutMs);
    const failing = checks.filter((c) => !c.ready);
    if (failing.length === 0) return { status: 'ready', checks };
    return reply.code(503).send({
      error: 'not_ready',
      message: failing.map((c) => `${c.name}: ${c.reason ?? 'not ready'}`).join('; '),
      checks,
    });
  });

  app.get('/metrics', async (_request, reply) => {
    const text = await renderMetrics(telemetry.metrics, secrets);
    return reply.type(telemetry.metrics.registry.contentType).send(text);
  });

  if (options.webhooks && endpoints) {
    app.register(webhookRoutes, {
      endpoints,
      sink: options.webhooks.sink,
      publicBaseUrl: options.webhooks.publicBaseUrl,
      telemetry,
      now: options.now ?? Date.now,
    });
  }

  return app;
}

/**
 * Node closes only the connections idle at the moment `close()` is called; a kept-alive connection
 * whose request finishes later would hold the server open until its keep-alive timeout. So while
 * closing, every response tells the client to close the connection, and a deadline cuts whatever
 * is left.
 */
function drainOnClose(app: FastifyInstance, closeTimeoutMs: number): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
    const deadline = setTimeout(() => app.server.closeAllConnections(), closeTimeoutMs);
    deadline.unref();
    app.server.once('close', () => clearTimeout(deadline));
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });
}
