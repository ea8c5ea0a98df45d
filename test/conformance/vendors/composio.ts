/**
 * HubSpot through Composio (`connectors/hubspot-composio.yaml`): the Composio simulator executes
 * the toolkit's tools against a HubSpot simulator with the connected account's credentials.
 * Faults are scripted at Composio, the service the connector talks to.
 */
import { COMPOSIO_SIM_ACCOUNTS, DEFAULT_USER_ID, startComposioSimulator } from '../../../src/simulators/composio/index.js';
import { loadOpenApi } from '../../support/openapi.js';
import type { SpecRouter } from '../specCheck.js';
import { advanceHubspotClock, hubspotRecord, startHubspotAccount } from './hubspotAccount.js';
import type { Skip, VendorCase, VendorHarness } from './types.js';

/**
 * FACTS §4.5 quotes the rate-limit page: a 429 body is `{"message": "Rate limit exceeded. …"}`,
 * while the OpenAPI document declares its `{error:{…}}` body for 429. Which one the API sends is
 * UNCONFIRMED; the simulator (and the connector's error reader) follow the docs, so a 429 is
 * checked against that shape.
 */
function rateLimitBody(status: number, body: unknown): string[] | undefined {
  if (status !== 429) return undefined;
  const message = (body as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' && message.startsWith('Rate limit exceeded') ? [] : ['a 429 body must be {"message": "Rate limit exceeded. …"} (FACTS §4.5)'];
}

function specRouter(): ((h: VendorHarness) => SpecRouter) | Skip {
  const doc = loadOpenApi('composio/openapi.json');
  if (!doc) return { skip: 'composio/openapi.json is not in ../shared/vendor-specs' };
  return () => (ex) => (ex.url.pathname.startsWith('/api/v3/') ? { doc, path: ex.url.pathname, responseOverride: rateLimitBody } : undefined);
}

export const composio: VendorCase = {
  vendor: 'HubSpot through Composio',
  connector: 'hubspot-composio',
  async start() {
    const hubspot = await startHubspotAccount();
    const sim = await startComposioSimulator({ providers: { hubspot: { baseUrl: hubspot.url } } });
    return {
      env: { COMPOSIO_BASE_URL: sim.url, COMPOSIO_API_KEY: sim.apiKey },
      connection: { id: 'conformance-composio', connectedAccountId: COMPOSIO_SIM_ACCOUNTS.hubspot, userId: DEFAULT_USER_ID },
      front: sim,
      record: (object, id) => hubspotRecord(hubspot, object, id),
      advanceClock: (ms) => advanceHubspotClock(hubspot, ms),
      refreshCount: () => hubspot.kit.tokens.refreshCount,
      async close() {
        await sim.close();
        await hubspot.close();
      },
    };
  },
  spec: specRouter(),
  create: {
    object: 'deals',
    operation: 'create',
    fields: ({ tag }) => ({ dealname: `Composio ${tag}`, amount: 250, quotey_quote_id: `qc-${tag}`, quotey_quote_version: 2 }),
    stored: ({ tag }) => ({ properties: { dealname: `Composio ${tag}`, amount: '250', quotey_quote_id: `qc-${tag}`, quotey_quote_version: '2' } }),
  },
  update: {
    object: 'deals',
    operation: 'update',
    target: async () => '3001',
    fields: ({ tag }) => ({ dealname: `Via Composio ${tag}`, quotey_quote_total: 999.99 }),
    stored: ({ tag }) => ({ properties: { dealname: `Via Composio ${tag}`, quotey_quote_total: '999.99' } }),
  },
  batchRead: { skip: 'the connector declares no batchRead' },
  get: { skip: 'the connector declares no get (the toolkit tool HUBSPOT_RETRIEVE_DEAL_BY_ID is not mapped)' },
  searchByCriteria: { skip: "the connector's search selects by modification date only; it takes no criteria" },
  lookups: { skip: 'the connector declares no candidate search for identity matching' },
  moreWrites: [],
  batchUpsert: { skip: 'the connector declares no batch operation (the toolkit has batch create and update, no upsert)' },
  incremental: {
    object: 'deals',
    via: 'search',
    touch: {
      object: 'deals',
      operation: 'update',
      target: async () => '3002',
      fields: ({ tag }) => ({ dealname: `Touched via Composio ${tag}` }),
      stored: ({ tag }) => ({ properties: { dealname: `Touched via Composio ${tag}` } }),
    },
  },
  probe: {
    object: 'deals',
    operation: 'update',
    target: async () => '3003',
    fields: ({ tag }) => ({ dealname: `Probe ${tag}` }),
    stored: ({ tag }) => ({ properties: { dealname: `Probe ${tag}` } }),
  },
  rateLimit: { pathContains: '/tools/execute/', status: 429, retryAfterSeconds: 1 },
  expiredToken: { skip: "Composio holds and refreshes the provider's OAuth tokens; the project API key does not expire" },
  // 502: Composio's answer when the provider failed (FACTS §4.2).
  serverError: { pathContains: '/tools/execute/', status: 502 },
  badRequest: {
    object: 'deals',
    operation: 'update',
    target: async () => '3001',
    fields: () => ({ dealstage: 'no-such-stage' }),
    message: /^400 Client Error: Bad Request for url: .*Property values were not valid.*no-such-stage/s,
  },
  webhooks: { skip: "Composio triggers are not configured for this connector; HubSpot's own webhooks are covered by the hubspot connector" },
};
