/** HubSpot CRM v3 through `connectors/hubspot.yaml`, against the HubSpot simulator. */
import { createHmac } from 'node:crypto';
import { HUBSPOT_SIM_PRIVATE_APP_TOKEN } from '../../../src/simulators/hubspot/index.js';
import { callJson } from '../support/http.js';
import type { VendorCase } from './types.js';
import { advanceHubspotClock, hubspotRecord, startHubspotAccount } from './hubspotAccount.js';

const CLIENT_SECRET = 'sim-client-secret';
const APP_ID = 1234567;
const DEVELOPER_KEY = 'sim-developer-hapikey';

/** HubSpot's documented v3 signature, written here independently of the verifier under test. */
function signV3(secret: string, url: string, body: string, timestamp: number): string {
  return createHmac('sha256', secret).update(`POST${url}${body}${timestamp}`, 'utf8').digest('base64');
}

export const hubspot: VendorCase = {
  vendor: 'HubSpot',
  connector: 'hubspot',
  async start() {
    const sim = await startHubspotAccount();
    return {
      env: {
        HUBSPOT_BASE_URL: sim.url,
        HUBSPOT_CLIENT_ID: 'sim-client-id',
        HUBSPOT_CLIENT_SECRET: CLIENT_SECRET,
        HUBSPOT_REFRESH_TOKEN: 'sim-refresh-token',
      },
      connection: { id: 'conformance-hubspot' },
      front: sim,
      record: (object, id) => hubspotRecord(sim, object, id),
      advanceClock: (ms) => advanceHubspotClock(sim, ms),
      refreshCount: () => sim.kit.tokens.refreshCount,
      close: () => sim.close(),
    };
  },
  spec: { skip: 'HubSpot does not license its OpenAPI collection for use here (FACTS preamble)' },
  create: {
    object: 'notes',
    operation: 'create',
    fields: ({ tag }) => ({ hs_note_body: `Signal ${tag}`, hs_timestamp: '2026-02-01T10:00:00Z', queast_signal_id: `sig-${tag}`, company_id: '1001' }),
    stored: ({ tag }) => ({
      properties: { hs_note_body: `Signal ${tag}`, queast_signal_id: `sig-${tag}`, hs_timestamp: '2026-02-01T10:00:00.000Z' },
      associations: { companies: [{ id: '1001' }] },
    }),
  },
  update: {
    object: 'deals',
    operation: 'update',
    target: async () => '3001',
    fields: ({ tag }) => ({ dealname: `Biglytics ${tag}`, amount: 1234.5, closedate: '2026-06-30T00:00:00Z', quotey_quote_total: 10.5 }),
    stored: ({ tag }) => ({ properties: { dealname: `Biglytics ${tag}`, amount: '1234.5', closedate: '2026-06-30T00:00:00.000Z', quotey_quote_total: '10.5' } }),
  },
  get: {
    object: 'deals',
    id: async () => '3001',
    fields: ({ tag }) => ({ dealname: `Biglytics ${tag}`, amount: 1234.5, closedate: '2026-06-30T00:00:00.000Z', quotey_quote_total: 10.5, hs_object_id: '3001' }),
    missingId: '999999999',
  },
  batchRead: {
    object: 'deals',
    id: async () => '3001',
    fields: ({ tag }) => ({ dealname: `Biglytics ${tag}`, amount: 1234.5, closedate: '2026-06-30T00:00:00.000Z', quotey_quote_total: 10.5, hs_object_id: '3001' }),
    missingId: '999999999',
  },
  searchByCriteria: { skip: "the connector's searches select by modification date only; they take no criteria" },
  // The simulator's fixture company Biglytics (1001) and its contact Bryan Cooper (2001).
  lookups: [
    { object: 'companies', operation: 'find', property: 'domain', values: async () => ({ values: ['biglytics.net', 'www.biglytics.net'], expectId: '1001' }) },
    { object: 'companies', operation: 'findByToken', property: 'name', values: async () => ({ values: ['biglytics', 'widgets'], expectId: '1001' }) },
    { object: 'contacts', operation: 'find', property: 'email', values: async () => ({ values: ['bcooper@biglytics.net'], expectId: '2001' }) },
    {
      object: 'contacts',
      operation: 'findByToken',
      property: 'hs_linkedin_url',
      // A contact whose LinkedIn page a user entered; the engine searches by the profile's slug.
      values: async ({ h, tag }) => {
        const created = await callJson<{ id: string }>(`${h.front.url}/crm/v3/objects/contacts`, {
          method: 'POST',
          headers: { authorization: `Bearer ${HUBSPOT_SIM_PRIVATE_APP_TOKEN}` },
          body: { properties: { email: `li-${tag}@example.com`, hs_linkedin_url: `https://www.linkedin.com/in/grace-${tag}` } },
        });
        return { values: [`grace-${tag}`], expectId: created.id };
      },
    },
  ],
  moreWrites: [
    {
      object: 'companies',
      operation: 'batchUpsert',
      fields: ({ tag }) => ({ queast_company_id: `qc-${tag}`, name: `Queast Co ${tag}`, domain: `${tag}.example`, numberofemployees: 42, queast_interesting: true }),
      stored: ({ tag }) => ({ properties: { queast_company_id: `qc-${tag}`, name: `Queast Co ${tag}`, domain: `${tag}.example`, numberofemployees: '42', queast_interesting: 'true' } }),
    },
    {
      object: 'contacts',
      operation: 'batchUpsert',
      fields: ({ tag }) => ({ queast_person_id: `qp-${tag}`, email: `ada-${tag}@example.com`, firstname: 'Ada', lastname: 'Lovelace', jobtitle: 'CTO' }),
      stored: ({ tag }) => ({ properties: { queast_person_id: `qp-${tag}`, email: `ada-${tag}@example.com`, firstname: 'Ada', jobtitle: 'CTO' } }),
    },
  ],
  batchUpsert: {
    object: 'deals',
    operation: 'batchUpsert',
    fields: ({ tag }, round) => [1, 2].map((n) => ({ quotey_quote_id: `q-${tag}-${n}`, dealname: `Quote ${n}`, amount: n * 100 * round, quotey_quote_version: round })),
    stored: ({ tag }, i, round) => ({ properties: { quotey_quote_id: `q-${tag}-${i + 1}`, amount: String((i + 1) * 100 * round), quotey_quote_version: String(round) } }),
  },
  incremental: {
    object: 'deals',
    via: 'search',
    touch: {
      object: 'deals',
      operation: 'update',
      target: async () => '3002',
      fields: ({ tag }) => ({ dealstage: 'presentationscheduled', dealname: `Pilot ${tag}` }),
      stored: () => ({ properties: { dealstage: 'presentationscheduled' } }),
    },
  },
  probe: {
    object: 'deals',
    operation: 'update',
    target: async () => '3003',
    fields: ({ tag }) => ({ dealname: `Acme ${tag}` }),
    stored: ({ tag }) => ({ properties: { dealname: `Acme ${tag}` } }),
  },
  rateLimit: { pathContains: '/crm/v3/objects/deals', status: 429, retryAfterSeconds: 1 },
  expiredToken: { tokenPath: '/oauth/v1/token' },
  serverError: { pathContains: '/crm/v3/objects/deals', status: 503 },
  badRequest: {
    object: 'deals',
    operation: 'update',
    target: async () => '3001',
    fields: () => ({ dealstage: 'no-such-stage' }),
    message: /Property values were not valid.*no-such-stage was not one of the allowed options/s,
  },
  webhooks: {
    async subscribe({ h }, targetUrl) {
      const base = `${h.front.url}/webhooks/v3/${APP_ID}`;
      await callJson(`${base}/settings?hapikey=${DEVELOPER_KEY}`, { method: 'PUT', body: { targetUrl, throttling: { maxConcurrentRequests: 10 } } });
      await callJson(`${base}/subscriptions?hapikey=${DEVELOPER_KEY}`, { method: 'POST', body: { eventType: 'deal.propertyChange', propertyName: 'dealname', active: true } });
    },
    async trigger({ h, tag }) {
      await callJson(`${h.front.url}/__admin/records/deals/3002`, { method: 'PATCH', body: { properties: { dealname: `Edited in HubSpot ${tag}` } } });
      return '3002';
    },
    forged: (body, url) => {
      const ts = Date.now();
      return { 'x-hubspot-signature-v3': signV3('not-the-client-secret', url, body, ts), 'x-hubspot-request-timestamp': String(ts) };
    },
    stale: (body, url) => {
      const ts = Date.now() - 10 * 60_000;
      return { 'x-hubspot-signature-v3': signV3(CLIENT_SECRET, url, body, ts), 'x-hubspot-request-timestamp': String(ts) };
    },
    sampleBody: () =>
      JSON.stringify([{ eventId: 1, subscriptionId: 12345, portalId: 62515, occurredAt: Date.now(), subscriptionType: 'deal.propertyChange', attemptNumber: 0, objectId: 3002, propertyName: 'dealname', propertyValue: 'x', changeSource: 'CRM', appId: APP_ID }]),
  },
};
