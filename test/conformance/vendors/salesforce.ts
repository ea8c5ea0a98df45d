/** Salesforce REST API v66.0 through `connectors/salesforce.yaml`, against the Salesforce simulator. */
import { startSalesforceSimulator } from '../../../src/simulators/salesforce/index.js';
import { callJson } from '../support/http.js';
import type { Ctx, VendorCase } from './types.js';
import { salesforceEnv } from '../../support/salesforceEnv.js';

/** The id of the first record of `object` whose `field` is `value`, read through the admin API. */
async function recordId({ h }: Ctx, object: string, field: string, value: string): Promise<string> {
  const { records } = await callJson<{ records: Array<Record<string, unknown>> }>(`${h.front.url}/__admin/records/${object}`);
  const found = records.find((r) => r[field] === value);
  if (!found) throw new Error(`no ${object} with ${field} ${value} in the simulator`);
  return String(found.Id);
}

async function opportunity({ h }: Ctx, index: number): Promise<string> {
  const { records } = await callJson<{ records: Array<{ Id: string }> }>(`${h.front.url}/__admin/records/Opportunity`);
  const id = records[index]?.Id;
  if (!id) throw new Error(`the simulator has no opportunity #${index}`);
  return id;
}

export const salesforce: VendorCase = {
  vendor: 'Salesforce',
  connector: 'salesforce',
  async start() {
    const sim = await startSalesforceSimulator({ config: { rotateRefreshTokens: true } });
    return {
      env: {
        ...salesforceEnv(sim),
      },
      connection: { id: 'conformance-salesforce' },
      front: sim,
      record: (object, id) => callJson(`${sim.url}/__admin/records/${object}/${id}`),
      async advanceClock(ms) {
        const { clock } = await callJson<{ clock: string }>(`${sim.url}/__admin/clock/advance`, { method: 'POST', body: { ms } });
        return new Date(clock);
      },
      refreshCount: () => sim.kit.tokens.refreshCount,
      close: () => sim.close(),
    };
  },
  spec: { skip: 'Salesforce publishes no generic OpenAPI document for its REST API (FACTS §3)' },
  create: {
    object: 'Quote__c',
    operation: 'upsert',
    fields: ({ tag }) => ({ Quotey_Id__c: `qt-${tag}`, Quotey_Version__c: 1, Total__c: 99.5 }),
    stored: ({ tag }) => ({ Quotey_Id__c: `qt-${tag}`, Quotey_Version__c: 1, Total__c: 99.5 }),
  },
  update: {
    object: 'Opportunity',
    operation: 'update',
    target: (c) => opportunity(c, 0),
    fields: () => ({ StageName: 'Negotiation/Review', Amount: 5000, CloseDate: '2026-09-30' }),
    stored: () => ({ StageName: 'Negotiation/Review', Amount: 5000, CloseDate: '2026-09-30' }),
  },
  batchRead: {
    object: 'Quote__c',
    // A quote a user created in Salesforce.
    id: async ({ h, tag }) => (await callJson<{ Id: string }>(`${h.front.url}/__admin/records/Quote__c`, { method: 'POST', body: { Quotey_Id__c: `qt-read-${tag}`, Quotey_Version__c: 2, Total__c: 410.25 } })).Id,
    fields: ({ tag }) => ({ Quotey_Id__c: `qt-read-${tag}`, Quotey_Version__c: 2, Total__c: 410.25 }),
    missingId: 'a0Q5g00000ZZZZZEAA',
  },
  get: {
    object: 'Opportunity',
    id: (c) => opportunity(c, 0),
    fields: () => ({ StageName: 'Negotiation/Review', Amount: 5000, CloseDate: '2026-09-30' }),
    missingId: '0065g00000ZZZZZAAA',
  },
  searchByCriteria: { skip: 'the connector declares no search for Salesforce; incremental reads go through SOQL' },
  // The fixture account Acme Corporation (website https://acme.example) and its contact Ada
  // Lovelace; records whose values hold a quote and LIKE wildcards check the SOQL escaping.
  lookups: [
    { object: 'Account', operation: 'find', property: 'Website', values: async (c) => ({ values: ['acme.example', 'www.acme.example'], expectId: await recordId(c, 'Account', 'Name', 'Acme Corporation') }) },
    { object: 'Account', operation: 'findByToken', property: 'Name', values: async (c) => ({ values: ['acme', 'corporation'], expectId: await recordId(c, 'Account', 'Name', 'Acme Corporation') }) },
    {
      object: 'Account',
      operation: 'findByToken',
      property: 'Name',
      values: async ({ h, tag }) => ({ values: ['1%_p'], expectId: (await callJson<{ Id: string }>(`${h.front.url}/__admin/records/Account`, { method: 'POST', body: { Name: `1%_pure ${tag}` } })).Id }),
    },
    { object: 'Contact', operation: 'find', property: 'Email', values: async (c) => ({ values: ['ada@acme.example', 'nobody@acme.example'], expectId: await recordId(c, 'Contact', 'Email', 'ada@acme.example') }) },
    {
      object: 'Contact',
      operation: 'find',
      property: 'Email',
      values: async ({ h, tag }) => {
        const email = `o'brien\\-${tag}@acme.example`;
        const created = await callJson<{ Id: string }>(`${h.front.url}/__admin/records/Contact`, { method: 'POST', body: { LastName: "O'Brien", Email: email } });
        return { values: [email], expectId: created.Id };
      },
    },
  ],
  moreWrites: [],
  batchUpsert: {
    object: 'Quote__c',
    operation: 'batchUpsert',
    fields: ({ tag }, round) => [1, 2].map((n) => ({ Quotey_Id__c: `qb-${tag}-${n}`, Quotey_Version__c: round, Total__c: n * 10 * round })),
    stored: ({ tag }, i, round) => ({ Quotey_Id__c: `qb-${tag}-${i + 1}`, Quotey_Version__c: round, Total__c: (i + 1) * 10 * round }),
  },
  incremental: {
    object: 'Opportunity',
    via: 'list',
    touch: {
      object: 'Opportunity',
      operation: 'update',
      target: (c) => opportunity(c, 1),
      fields: ({ tag }) => ({ Name: `Touched ${tag}` }),
      stored: ({ tag }) => ({ Name: `Touched ${tag}` }),
    },
  },
  probe: {
    object: 'Opportunity',
    operation: 'update',
    target: (c) => opportunity(c, 0),
    fields: ({ tag }) => ({ Name: `Probe ${tag}` }),
    stored: ({ tag }) => ({ Name: `Probe ${tag}` }),
  },
  // Salesforce has no 429: its request limits answer 403 REQUEST_LIMIT_EXCEEDED, without Retry-After.
  rateLimit: { pathContains: '/sobjects/Opportunity', status: 403 },
  expiredToken: { tokenPath: '/services/oauth2/token' },
  serverError: { pathContains: '/sobjects/Opportunity', status: 503 },
  badRequest: {
    object: 'Opportunity',
    operation: 'update',
    target: (c) => opportunity(c, 0),
    // Opportunity.Name holds at most 120 characters.
    fields: () => ({ Name: 'x'.repeat(121) }),
    message: /^STRING_TOO_LONG: Name: data value too large: x+ \(max length=120\)$/,
  },
  webhooks: { skip: 'Salesforce pushes changes through Change Data Capture (Pub/Sub API), not webhooks; the connector declares none' },
};
