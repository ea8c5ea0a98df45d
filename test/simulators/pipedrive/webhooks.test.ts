import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startPipedriveSimulator, type RunningPipedriveSimulator } from '../../../src/simulators/pipedrive/index.js';
import type { OpenApiDocument } from '../../support/openapi.js';
import { call, checked, specsMissing, v2Spec } from './helpers.js';
import { V2_ERRATA } from './specErrata.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: any;
}

/** A subscriber that records deliveries and answers with the queued statuses (then 200). */
async function receiver(): Promise<{ url: string; got: Received[]; statuses: number[]; server: Server; waitFor: (n: number) => Promise<void> }> {
  const got: Received[] = [];
  const statuses: number[] = [];
  const server = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: JSON.parse(data) });
      res.statusCode = statuses.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pipedrive`;
  const waitFor = async (n: number) => {
    for (let i = 0; i < 200 && got.length < n; i++) await new Promise((r) => setTimeout(r, 10));
    expect(got.length).toBeGreaterThanOrEqual(n);
  };
  return { url, got, statuses, server, waitFor };
}

describe.skipIf(specsMissing)('Pipedrive v2 webhooks', () => {
  let sim: RunningPipedriveSimulator;
  let hook: Awaited<ReturnType<typeof receiver>>;

  beforeEach(async () => {
    sim = await startPipedriveSimulator({ seed: 9, config: { burstLimit: { apiToken: 10_000 }, webhooks: { retryDelayScale: 0.001 } } });
    hook = await receiver();
  });
  afterEach(async () => {
    await sim.close();
    await new Promise((r) => hook.server.close(r));
  });

  const subscribe = (body: Record<string, unknown>) =>
    checked(sim.url, 'POST', '/v1/webhooks', { token: sim.apiToken, body: { subscription_url: hook.url, name: 'syncd', ...body } });

  it('delivers a user edit with basic auth, string ids in meta and only the changed fields in previous', async () => {
    const sub = await subscribe({ event_action: 'change', event_object: 'person', http_auth_user: 'syncd', http_auth_password: 's3cret' });
    const fields = (await checked(sim.url, 'GET', '/api/v2/personFields', { token: sim.apiToken })).body.data;
    const queastId = fields.find((f: { field_name: string }) => f.field_name === 'Queast ID').field_code as string;
    const before = (await checked(sim.url, 'GET', '/api/v2/persons/2003', { token: sim.apiToken })).body.data;

    const edit = await call(sim.url, 'PATCH', '/__admin/records/persons/2003', {
      body: { name: 'Renamed Person', custom_fields: { [queastId]: 'q-new' } },
    });
    expect(edit.status).toBe(200);
    await hook.waitFor(1);
    const [delivery] = hook.got;
    expect(delivery?.headers.authorization).toBe(`Basic ${Buffer.from('syncd:s3cret').toString('base64')}`);
    const { meta, data, previous } = delivery?.body;
    expect(meta).toMatchObject({
      action: 'change',
      entity: 'person',
      entity_id: '2003',
      company_id: String(sim.config.company.id),
      user_id: String(sim.config.company.userId),
      webhook_id: String(sub.body.data.id),
      version: '2.0',
      attempt: 1,
      change_source: 'app',
      host: 'simco.pipedrive.com',
      is_bulk_edit: false,
      type: 'general',
    });
    expect(meta.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(data).toEqual(edit.body.data);
    (v2Spec as OpenApiDocument).expectResponse('GET', '/persons/{id}', 200, { success: true, data }, { errata: V2_ERRATA });
    expect(previous).toEqual({
      name: before.name,
      first_name: before.first_name,
      last_name: before.last_name,
      custom_fields: { [queastId]: before.custom_fields[queastId] },
    });
  });

  it('matches subscriptions by object and action and sends create and delete payloads', async () => {
    await subscribe({ event_action: 'create', event_object: 'deal' });
    await subscribe({ event_action: 'delete', event_object: '*' });
    await subscribe({ event_action: '*', event_object: 'organization' });

    const deal = await checked(sim.url, 'POST', '/api/v2/deals', { token: sim.apiToken, body: { title: 'Hooked' } });
    await hook.waitFor(1);
    expect(hook.got[0]?.body).toMatchObject({ meta: { action: 'create', entity: 'deal', change_source: 'api' }, data: deal.body.data, previous: null });

    await checked(sim.url, 'DELETE', `/api/v2/deals/${deal.body.data.id}`, { token: sim.apiToken });
    await hook.waitFor(2);
    const deletion = hook.got[1]?.body;
    expect(deletion.meta).toMatchObject({ action: 'delete', entity: 'deal', entity_id: String(deal.body.data.id) });
    expect(deletion.data).toBeNull();
    expect(deletion.previous).toMatchObject({ id: deal.body.data.id, title: 'Hooked', is_deleted: false });

    // A person change matches none of the three subscriptions.
    await call(sim.url, 'PATCH', '/__admin/records/persons/2001', { body: { name: 'Nobody Listens' } });
    // An unchanged write is not an event.
    await call(sim.url, 'PATCH', '/__admin/records/organizations/101', { body: { name: (await checked(sim.url, 'GET', '/api/v2/organizations/101', { token: sim.apiToken })).body.data.name } });
    await call(sim.url, 'PATCH', '/__admin/records/organizations/101', { body: { website: 'https://changed.example' } });
    await hook.waitFor(3);
    await new Promise((r) => setTimeout(r, 50));
    expect(hook.got).toHaveLength(3);
    expect(hook.got[2]?.body).toMatchObject({ meta: { action: 'change', entity: 'organization' }, previous: { website: expect.any(String) } });
    expect(Object.keys(hook.got[2]?.body.previous)).toEqual(['website']);
  });

  it('retries failed deliveries three times, counting meta.attempt', async () => {
    await subscribe({ event_action: '*', event_object: '*' });
    hook.statuses.push(500, 503, 502);
    await call(sim.url, 'POST', '/__admin/records/organizations', { body: { name: 'Retry Me' } });
    await hook.waitFor(4);
    expect(hook.got.map((g) => g.body.meta.attempt)).toEqual([1, 2, 3, 4]);
    expect(new Set(hook.got.map((g) => g.body.meta.id)).size).toBe(1);
    await sim.kit.webhooks.drain();
    const log = (await call(sim.url, 'GET', '/__admin/deliveries')).body.deliveries;
    expect(log.map((d: { status: number }) => d.status)).toEqual([500, 503, 502, 200]);
    const listed = await checked(sim.url, 'GET', '/v1/webhooks', { token: sim.apiToken });
    expect(listed.body.data[0].last_http_status).toBe(200);
  });

  it('gives up after the fourth attempt and bans a webhook after repeated first-attempt failures', async () => {
    const small = await startPipedriveSimulator({ config: { webhooks: { retryDelayScale: 0, banAfterFailures: 2 } } });
    try {
      await checked(small.url, 'POST', '/v1/webhooks', {
        token: small.apiToken,
        body: { subscription_url: hook.url, name: 'x', event_action: '*', event_object: '*' },
      });
      hook.statuses.push(...Array<number>(8).fill(500));
      await call(small.url, 'POST', '/__admin/records/organizations', { body: { name: 'One' } });
      await small.kit.webhooks.drain();
      await call(small.url, 'POST', '/__admin/records/organizations', { body: { name: 'Two' } });
      await small.kit.webhooks.drain();
      expect(hook.got).toHaveLength(8);
      const listed = await checked(small.url, 'GET', '/v1/webhooks', { token: small.apiToken });
      expect(listed.body.data[0]).toMatchObject({ is_active: 0, last_http_status: 500 });
      await call(small.url, 'POST', '/__admin/records/organizations', { body: { name: 'Lost' } });
      await small.kit.webhooks.drain();
      expect(hook.got).toHaveLength(8);
    } finally {
      await small.close();
    }
  });
});
