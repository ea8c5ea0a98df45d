/**
 * Pipedrive (API v2; v1 for notes and webhooks) through `connectors/pipedrive.yaml`, against the
 * Pipedrive simulator, set up as `startPipedriveAccount` does.
 */
import { PIPEDRIVE_WEBHOOK_PASSWORD as WEBHOOK_PASSWORD, PIPEDRIVE_WEBHOOK_USER as WEBHOOK_USER, startPipedriveAccount } from '../../support/pipedriveAccount.js';
import { loadOpenApi, type SpecErratum } from '../../support/openapi.js';
import { callJson } from '../support/http.js';
import type { SpecRouter } from '../specCheck.js';
import type { Skip, VendorCase, VendorHarness } from './types.js';


const fields = new Map<VendorHarness, Record<string, string>>();
const keyOf = (h: VendorHarness, name: string): string => (fields.get(h) as Record<string, string>)[name] as string;

async function firstOrganization(h: VendorHarness): Promise<string> {
  const { organizations } = await callJson<{ organizations: Array<{ id: number }> }>(`${h.front.url}/__admin/state`);
  return String(organizations[0]?.id);
}

/** Where v2.yaml and the live API part ways; each entry says why. */
const V2_ERRATA: SpecErratum[] = [
  { path: '/additional_data/next_cursor', nullable: true, why: 'FACTS §2.2: next_cursor is null on the last page; the spec types it as a plain string' },
  ...['/data/address', '/data/*/address', '/data/items/*/item/address'].map((path) => ({
    path,
    nullable: true,
    why: 'UNCONFIRMED: an organization without an address has no address object; the spec does not mark it nullable, the simulator sends null',
  })),
  ...['/data/org_id', '/data/*/org_id'].map((path) => ({
    path,
    nullable: true,
    why: 'UNCONFIRMED: a person in no organization has no org id; the spec does not mark it nullable, the simulator sends null',
  })),
  ...['/data/picture_id', '/data/*/picture_id'].map((path) => ({
    path,
    nullable: true,
    why: 'UNCONFIRMED: a person without a picture has no picture id; the spec does not mark it nullable, the simulator sends null',
  })),
];

/** v1 notes: links a note does not have. */
const V1_ERRATA: SpecErratum[] = [
  ...['deal', 'deal_id', 'person', 'person_id', 'lead_id', 'org_id', 'organization'].map((field) => ({
    path: `/data/${field}`,
    nullable: true,
    why: 'UNCONFIRMED: a note not attached to that kind of record has no link; v1.yaml does not mark these nullable, the simulator sends null',
  })),
  { path: '/data/user/icon_url', nullable: true, why: 'UNCONFIRMED: a user without a picture has no icon; v1.yaml does not mark it nullable, the simulator sends null' },
];

/** FACTS §2.4: every error is `{success:false, error, error_info?, data, additional_data}`. */
function errorEnvelope(_status: number, body: unknown): string[] {
  const b = body as { success?: unknown; error?: unknown } | undefined;
  if (!b || typeof b !== 'object') return ['the error body is not a JSON object'];
  const problems: string[] = [];
  if (b.success !== false) problems.push('/success must be false');
  if (typeof b.error !== 'string' || b.error === '') problems.push('/error must be a non-empty string');
  return problems;
}

function specRouter(): ((h: VendorHarness) => SpecRouter) | Skip {
  const v2 = loadOpenApi('pipedrive/v2.yaml');
  const v1 = loadOpenApi('pipedrive/v1.yaml');
  if (!v2 || !v1) return { skip: 'pipedrive/v1.yaml or v2.yaml is not in ../shared/vendor-specs' };
  return () => (ex) => {
    const p = ex.url.pathname;
    if (p.startsWith('/api/v2/')) return { doc: v2, path: p.slice('/api/v2'.length), errata: V2_ERRATA, undeclaredError: errorEnvelope };
    if (p.startsWith('/v1/')) return { doc: v1, path: p.slice('/v1'.length), errata: V1_ERRATA, undeclaredError: errorEnvelope };
    return undefined;
  };
}

export const pipedrive: VendorCase = {
  vendor: 'Pipedrive',
  connector: 'pipedrive',
  async start() {
    const { sim, env } = await startPipedriveAccount({ config: { webhooks: { retryDelayScale: 0.001 } } });
    const keys = Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('PIPEDRIVE_FIELD_')));
    const h: VendorHarness = {
      env,
      connection: { id: 'conformance-pipedrive' },
      front: sim,
      async record(object, id) {
        const state = await callJson<Record<string, unknown>>(`${sim.url}/__admin/state`);
        const row = (state[object] as Array<{ id: number }>).find((r) => String(r.id) === id);
        if (!row) throw new Error(`no ${object} ${id} at the simulator`);
        return row as unknown as Record<string, unknown>;
      },
      async advanceClock(ms) {
        const { clock } = await callJson<{ clock: string }>(`${sim.url}/__admin/clock`, { method: 'POST', body: { advanceMs: ms } });
        return new Date(clock);
      },
      refreshCount: () => sim.kit.tokens.refreshCount,
      close: () => sim.close(),
    };
    fields.set(h, keys);
    return h;
  },
  spec: specRouter(),
  create: {
    object: 'organizations',
    operation: 'create',
    fields: ({ tag }) => ({ name: `Org ${tag}`, website: `https://${tag}.example`, queast_company_id: `q-${tag}`, linkedin: `https://linkedin.com/company/${tag}` }),
    stored: ({ h, tag }) => ({
      name: `Org ${tag}`,
      website: `https://${tag}.example`,
      custom_fields: { [keyOf(h, 'PIPEDRIVE_FIELD_ORG_QUEAST_ID')]: `q-${tag}`, [keyOf(h, 'PIPEDRIVE_FIELD_ORG_LINKEDIN')]: `https://linkedin.com/company/${tag}` },
    }),
  },
  update: {
    object: 'organizations',
    operation: 'update',
    target: ({ h }) => firstOrganization(h),
    fields: ({ tag }) => ({ name: `Renamed ${tag}`, queast_company_id: `q-upd-${tag}` }),
    stored: ({ h, tag }) => ({ name: `Renamed ${tag}`, custom_fields: { [keyOf(h, 'PIPEDRIVE_FIELD_ORG_QUEAST_ID')]: `q-upd-${tag}` } }),
  },
  get: {
    object: 'organizations',
    id: ({ h }) => firstOrganization(h),
    fields: ({ tag }) => ({ name: `Renamed ${tag}`, queast_company_id: `q-upd-${tag}` }),
    missingId: '999999',
  },
  batchRead: {
    object: 'organizations',
    id: ({ h }) => firstOrganization(h),
    fields: ({ tag }) => ({ name: `Renamed ${tag}`, queast_company_id: `q-upd-${tag}` }),
    missingId: '999999',
  },
  searchByCriteria: {
    object: 'organizations',
    criteria: async (c) => ({ criteria: { name: `Renamed ${c.tag}` }, expectId: await firstOrganization(c.h) }),
  },
  // The organization the update scenario renamed `Renamed <tag>`: a name search by its longest word.
  lookups: [{ object: 'organizations', operation: 'findByToken', property: 'name', values: async (c) => ({ values: [c.tag], expectId: await firstOrganization(c.h) }) }],
  moreWrites: [
    {
      object: 'persons',
      operation: 'create',
      fields: ({ tag }) => ({ name: `Grace ${tag}`, emails: [{ value: `grace-${tag}@mail.example`, primary: true, label: 'work' }], queast_person_id: `qp-${tag}` }),
      stored: ({ h, tag }) => ({ name: `Grace ${tag}`, emails: [{ value: `grace-${tag}@mail.example`, primary: true, label: 'work' }], custom_fields: { [keyOf(h, 'PIPEDRIVE_FIELD_PERSON_QUEAST_ID')]: `qp-${tag}` } }),
    },
    {
      object: 'notes',
      operation: 'create',
      fields: ({ tag }) => ({ content: `<p>Signal ${tag}</p>`, org_id: 101 }),
      stored: ({ tag }) => ({ content: `<p>Signal ${tag}</p>`, org_id: 101 }),
    },
  ],
  batchUpsert: { skip: 'Pipedrive has no batch write endpoint; the connector declares none' },
  incremental: {
    object: 'organizations',
    via: 'list',
    touch: {
      object: 'organizations',
      operation: 'update',
      target: async ({ h }) => {
        const { organizations } = await callJson<{ organizations: Array<{ id: number }> }>(`${h.front.url}/__admin/state`);
        return String(organizations[1]?.id);
      },
      fields: ({ tag }) => ({ website: `https://touched-${tag}.example` }),
      stored: ({ tag }) => ({ website: `https://touched-${tag}.example` }),
    },
  },
  probe: {
    object: 'persons',
    operation: 'update',
    target: async ({ h }) => {
      const { persons } = await callJson<{ persons: Array<{ id: number }> }>(`${h.front.url}/__admin/state`);
      return String(persons[0]?.id);
    },
    fields: ({ tag }) => ({ name: `Probe ${tag}`, emails: [{ value: `probe-${tag}@mail.example`, primary: true, label: 'work' }] }),
    stored: ({ tag }) => ({ name: `Probe ${tag}`, emails: [{ value: `probe-${tag}@mail.example`, primary: true, label: 'work' }] }),
  },
  rateLimit: { pathContains: '/api/v2/persons', status: 429, retryAfterSeconds: 1 },
  expiredToken: { skip: 'the connector authenticates with an API token (x-api-token), which does not expire: nothing to refresh' },
  serverError: { pathContains: '/api/v2/persons', status: 503 },
  badRequest: {
    object: 'organizations',
    operation: 'update',
    target: ({ h }) => firstOrganization(h),
    fields: () => ({ name: '' }),
    message: /^Validation failed: name: must be a non-empty string \(Please check developers\.pipedrive\.com\)$/,
  },
  webhooks: {
    async subscribe({ client }, targetUrl) {
      const [r] = await client.write('webhooks', 'create', [
        { fields: { subscription_url: targetUrl, event_action: 'change', event_object: 'organization', name: 'syncd', http_auth_user: WEBHOOK_USER, http_auth_password: WEBHOOK_PASSWORD } },
      ]);
      if (!r?.ok) throw new Error(`webhook subscription failed: ${r?.error.message}`);
    },
    async trigger({ h, tag }) {
      const id = await firstOrganization(h);
      await callJson(`${h.front.url}/__admin/records/organizations/${id}`, { method: 'PATCH', body: { name: `Edited in Pipedrive ${tag}` } });
      return id;
    },
    forged: () => ({ authorization: `Basic ${Buffer.from(`${WEBHOOK_USER}:guessed-password`).toString('base64')}` }),
    stale: { skip: 'Pipedrive signs nothing: HTTP Basic credentials carry no timestamp to be stale' },
    sampleBody: () =>
      JSON.stringify({ meta: { action: 'change', entity: 'organization', entity_id: '1', id: 'b0a4c1f2-0000-4000-8000-000000000001', version: '2.0', timestamp: new Date().toISOString() }, data: { id: 1 }, previous: {} }),
  },
};
