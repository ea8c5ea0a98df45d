import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signHubspotV1, verifyHubspotV3, type WebhookEvent } from '../../../src/simulators/hubspot/index.js';
import type { RunningSimulator } from '../../../src/simulators/kit/server.js';
import { call, start } from './helpers.js';

const SECRET = 'app-secret-for-tests';
const APP = 424242;

interface Received {
  events: WebhookEvent[];
  verifiedV3: boolean;
  v1: string | undefined;
  body: string;
}

/** A local receiver that checks the v3 signature the way an app must, and answers per `statuses`. */
async function receiver(statuses: number[] = []): Promise<{ url: string; got: Received[]; server: Server }> {
  const got: Received[] = [];
  let calls = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const url = `http://${req.headers.host}${req.url}`;
      got.push({
        events: JSON.parse(body) as WebhookEvent[],
        body,
        verifiedV3: verifyHubspotV3({
          clientSecret: SECRET,
          method: req.method ?? '',
          uri: url,
          body,
          timestamp: req.headers['x-hubspot-request-timestamp'] as string,
          signature: req.headers['x-hubspot-signature-v3'] as string,
        }),
        v1: req.headers['x-hubspot-signature'] as string | undefined,
      });
      res.statusCode = statuses[calls++] ?? 200;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks?src=hubspot`, got, server };
}

const until = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('HubSpot webhooks v3', () => {
  let sim: RunningSimulator;
  beforeEach(async () => {
    sim = await start({ webhooks: { appId: APP, clientSecret: SECRET, retryDelayScale: 0.00001, developerApiKey: 'dev-key' }, limits: { tenSecond: 100_000 } });
  });
  afterEach(() => sim.close());

  const api = (method: string, path: string, body?: unknown) => call(sim, method, `/webhooks/v3/${APP}${path}?hapikey=dev-key`, body, null);

  it('manages settings and subscriptions with the developer key', async () => {
    expect((await call(sim, 'GET', `/webhooks/v3/${APP}/settings`, undefined, null)).status).toBe(401);
    expect((await api('GET', '/settings')).status).toBe(404);
    const put = await api('PUT', '/settings', { targetUrl: 'https://example.com/hook', throttling: { maxConcurrentRequests: 5 } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ targetUrl: 'https://example.com/hook', throttling: { maxConcurrentRequests: 5 } });
    expect((await api('GET', '/settings')).body.targetUrl).toBe('https://example.com/hook');
    expect((await api('PUT', '/settings', { targetUrl: 'ftp://nope' })).status).toBe(400);

    const sub = await api('POST', '/subscriptions', { eventType: 'deal.propertyChange', propertyName: 'amount', active: true });
    expect(sub.status).toBe(201);
    expect(sub.body).toMatchObject({ eventType: 'deal.propertyChange', propertyName: 'amount', active: true });
    expect((await api('POST', '/subscriptions', { eventType: 'deal.propertyChange', active: true })).status).toBe(400);
    expect((await api('POST', '/subscriptions', { eventType: 'deal.exploded', active: true })).status).toBe(400);
    expect((await api('GET', '/subscriptions')).body.results).toHaveLength(1);
    expect((await api('PATCH', `/subscriptions/${sub.body.id}`, { active: false })).body.active).toBe(false);
    expect((await call(sim, 'GET', `/webhooks/v3/999/settings?hapikey=dev-key`, undefined, null)).status).toBe(404);
  });

  it('delivers signed propertyChange and creation events for edits made as a CRM user', async () => {
    const r = await receiver();
    try {
      await api('PUT', '/settings', { targetUrl: r.url });
      const amountSub = (await api('POST', '/subscriptions', { eventType: 'deal.propertyChange', propertyName: 'amount', active: true })).body;
      await api('POST', '/subscriptions', { eventType: 'deal.propertyChange', propertyName: 'dealname', active: false });
      const createSub = (await api('POST', '/subscriptions', { eventType: 'company.creation', active: true })).body;

      const edited = await call(sim, 'PATCH', '/__admin/records/deals/3001', { properties: { amount: '999', dealname: 'Renamed' } }, null);
      expect(edited.body.changed.sort()).toEqual(['amount', 'dealname']);
      await until(() => r.got.length === 1);
      const [delivery] = r.got;
      expect(delivery!.verifiedV3).toBe(true);
      expect(delivery!.v1).toBe(signHubspotV1(SECRET, delivery!.body));
      expect(delivery!.events).toEqual([
        expect.objectContaining({
          subscriptionId: Number(amountSub.id),
          subscriptionType: 'deal.propertyChange',
          portalId: 62515,
          appId: APP,
          objectId: 3001,
          propertyName: 'amount',
          propertyValue: '999',
          changeSource: 'CRM',
          sourceId: 'userId:882761034',
          attemptNumber: 0,
        }),
      ]);
      expect(delivery!.events[0]!.occurredAt).toBe(Date.parse(edited.body.updatedAt));

      const created = await call(sim, 'POST', '/__admin/records/companies', { properties: { name: 'Via UI' }, userId: 7 }, null);
      await until(() => r.got.length === 2);
      expect(r.got[1]!.events).toEqual([expect.objectContaining({ subscriptionId: Number(createSub.id), subscriptionType: 'company.creation', objectId: Number(created.body.id), changeFlag: 'NEW', sourceId: 'userId:7' })]);
      expect((await call(sim, 'GET', '/crm/v3/objects/deals/3001?properties=amount')).body.properties.amount).toBe('999');
    } finally {
      r.server.close();
    }
  });

  it('retries failed deliveries, re-signing each attempt and counting attemptNumber', async () => {
    const r = await receiver([500, 503, 200]);
    try {
      await api('PUT', '/settings', { targetUrl: r.url });
      await api('POST', '/subscriptions', { eventType: 'contact.propertyChange', propertyName: 'firstname', active: true });
      await call(sim, 'PATCH', '/__admin/records/contacts/2001', { properties: { firstname: 'Bry' } }, null);
      await until(() => r.got.length === 3);
      expect(r.got.map((g) => g.events[0]!.attemptNumber)).toEqual([0, 1, 2]);
      expect(r.got.every((g) => g.verifiedV3)).toBe(true);
      const log = (await call(sim, 'GET', '/__admin/deliveries', undefined, null)).body.deliveries as Array<{ attempt: number; status: number }>;
      expect(log.map((d) => [d.attempt, d.status])).toEqual([
        [1, 500],
        [2, 503],
        [3, 200],
      ]);
    } finally {
      r.server.close();
    }
  });

  it('gives up after 10 retries', async () => {
    const r = await receiver(Array(20).fill(500));
    try {
      await api('PUT', '/settings', { targetUrl: r.url });
      await api('POST', '/subscriptions', { eventType: 'contact.propertyChange', propertyName: 'firstname', active: true });
      await call(sim, 'PATCH', '/__admin/records/contacts/2001', { properties: { firstname: 'Bry' } }, null);
      await until(() => r.got.length === 11, 5000);
      await new Promise((res) => setTimeout(res, 100));
      expect(r.got).toHaveLength(11);
    } finally {
      r.server.close();
    }
  });

  it('sends events for API writes too, batching one request per write', async () => {
    const r = await receiver();
    try {
      await api('PUT', '/settings', { targetUrl: r.url });
      await api('POST', '/subscriptions', { eventType: 'company.propertyChange', propertyName: 'city', active: true });
      await call(sim, 'POST', '/crm/v3/objects/companies/batch/update', { inputs: [1001, 1002, 1003].map((id) => ({ id: String(id), properties: { city: 'Oslo' } })) });
      await until(() => r.got.length === 1);
      expect(r.got[0]!.events.map((e) => e.objectId).sort()).toEqual([1001, 1002, 1003]);
      expect(r.got[0]!.events[0]!.changeSource).toBe('INTEGRATION');
    } finally {
      r.server.close();
    }
  });
});
