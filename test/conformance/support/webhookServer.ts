/**
 * The daemon's webhook intake as production builds it: `createServer` with the endpoint the
 * connector's `webhooks` block describes (`webhookConnections`), on a known port so the public
 * URL HubSpot signs is the URL it calls.
 */
import type { ConnectorDocument } from '../../../src/spec/types.js';
import { webhookConnections } from '../../../src/engine/webhookIntake.js';
import { createServer } from '../../../src/server/createServer.js';
import { createTelemetry } from '../../../src/telemetry/events.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';
import { MemorySink } from '../../server/harness.js';
import { freePort } from '../../support/freePort.js';

export const TENANT = 'acme';

export interface WebhookServer {
  /** `http://127.0.0.1:<port>/webhooks/<tenant>/<connector>`. */
  endpoint: string;
  sink: MemorySink;
  close(): Promise<void>;
}

export async function startWebhookServer(doc: ConnectorDocument): Promise<WebhookServer> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const sink = new MemorySink();
  const app = createServer({
    telemetry: createTelemetry({ logger: createLogger({ level: 'silent' }), metrics: createMetrics({ processMetrics: false }) }),
    webhooks: { publicBaseUrl: base, connections: webhookConnections([doc], [TENANT]), sink },
  });
  await app.listen({ port, host: '127.0.0.1' });
  return { endpoint: `${base}/webhooks/${TENANT}/${doc.metadata.name}`, sink, close: () => app.close() };
}
