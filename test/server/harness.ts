import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { createServer, type ServerOptions } from '../../src/server/createServer.js';
import type { WebhookInboxEvent, WebhookSink } from '../../src/server/webhooks/types.js';
import { createTelemetry } from '../../src/telemetry/events.js';
import { createLogger } from '../../src/telemetry/logger.js';
import { createMetrics, type SyncdMetrics } from '../../src/telemetry/metrics.js';

/** The inbox contract as the store will honour it: durable once resolved, each id accepted once per connection. */
export class MemorySink implements WebhookSink {
  readonly events: WebhookInboxEvent[] = [];
  calls = 0;
  /** Set to make the next calls fail (a store outage) or wait (a slow commit). */
  failWith: Error | undefined;
  gate: Promise<void> | undefined;

  async accept(event: WebhookInboxEvent): Promise<{ accepted: boolean }> {
    this.calls++;
    if (this.gate) await this.gate;
    if (this.failWith) throw this.failWith;
    const dup = this.events.some((e) => e.tenant === event.tenant && e.connection === event.connection && e.eventId === event.eventId);
    if (dup) return { accepted: false };
    this.events.push(structuredClone(event));
    return { accepted: true };
  }
}

export interface Harness {
  app: FastifyInstance;
  url: string;
  metrics: SyncdMetrics;
  lines: string[];
  log: () => Record<string, unknown>[];
  close: () => Promise<void>;
}

export async function startServer(
  options: Omit<ServerOptions, 'telemetry'>,
  beforeListen?: (app: FastifyInstance) => void,
): Promise<Harness> {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (s: string) => void lines.push(s) } });
  const metrics = createMetrics({ processMetrics: false });
  const app = createServer({ ...options, telemetry: createTelemetry({ logger, metrics }) });
  beforeListen?.(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    metrics,
    lines,
    log: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    close: () => app.close(),
  };
}

/** Written from HubSpot's documented algorithm, independently of the code under test. */
export function signV3(secret: string, method: string, uri: string, body: string, timestamp: number | string): string {
  return createHmac('sha256', secret).update(`${method}${uri}${body}${timestamp}`, 'utf8').digest('base64');
}

export function basic(user: string, password: string): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
}
