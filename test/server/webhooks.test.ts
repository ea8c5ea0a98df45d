import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { basic, MemorySink, signV3, startServer, type Harness } from './harness.js';

const HUBSPOT_SECRET = `hs-${randomBytes(16).toString('hex')}`;
const PD_PASSWORD = `pd-${randomBytes(16).toString('hex')}`;
const PUBLIC = 'https://sync.example.com/gateway';
const NOW = 1_800_000_000_000;

const event = (eventId: number, objectId = 100 + eventId) => ({
  eventId,
  subscriptionId: 12345,
  portalId: 62515,
  occurredAt: 1564113600000 + eventId,
  subscriptionType: 'contact.propertyChange',
  attemptNumber: 0,
  objectId,
  propertyName: 'email',
  propertyValue: `c${objectId}@example.com`,
  changeSource: 'CRM',
  appId: 54321,
});

const pdDelivery = (id: string) => ({
  meta: { action: 'change', entity: 'deal', id, entity_id: '42', attempt: 1, version: '2.0' },
  data: { id: 42, value: 1000 },
  previous: { value: 900 },
});

let h: Harness;
let sink: MemorySink;
let clock = NOW;

beforeEach(async () => {
  sink = new MemorySink();
  clock = NOW;
  h = await startServer({
    now: () => clock,
    bodyLimit: 64 * 1024,
    webhooks: {
      publicBaseUrl: PUBLIC + '/',
      sink,
      connections: [
        { tenant: 'acme', connection: 'hubspot', verifier: { type: 'hubspot-v3', clientSecret: HUBSPOT_SECRET }, decoder: 'hubspot' },
        {
          tenant: 'acme',
          connection: 'hubspot-app',
          verifier: { type: 'hubspot-v3', clientSecret: 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy' },
          decoder: 'hubspot',
          publicUrl: 'https://www.example.com/webhook_uri',
        },
        { tenant: 'acme', connection: 'pipedrive', verifier: { type: 'basic-auth', username: 'syncd', password: PD_PASSWORD }, decoder: 'pipedrive' },
        { tenant: 'globex', connection: 'pipedrive', verifier: { type: 'none' }, decoder: 'pipedrive' },
      ],
    },
  });
});

afterEach(() => h.close());

/** POSTs a HubSpot delivery signed the way HubSpot signs it: over the public URL it called. */
async function postHubSpot(body: string, opts: { path?: string; ts?: number; secret?: string; signature?: string } = {}) {
  const path = opts.path ?? '/webhooks/acme/hubspot';
  const ts = opts.ts ?? clock;
  const signature = opts.signature ?? signV3(opts.secret ?? HUBSPOT_SECRET, 'POST', PUBLIC + path, body, ts);
  return fetch(h.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': String(ts) },
    body,
  });
}

const rejections = () => h.log().filter((r) => r.event === 'integration.crm.webhook_rejected');

describe('HubSpot deliveries', () => {
  it('verifies the documented test vector over real HTTP, using the endpoint public URL', async () => {
    clock = 1693657560000;
    const res = await fetch(h.url + '/webhooks/acme/hubspot-app', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hubspot-signature-v3': 'K36dawei4A+QBNolUOqo7s91KQDWQ5MXZ/QufNYuk/Y=',
        'x-hubspot-request-timestamp': '1693657560000',
      },
      body: "{'example_field':'example_value'}",
    });
    // Verification passed (not 401); the vector body is not JSON, so the delivery itself is refused.
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'bad_request', message: 'body is not valid JSON' });
    expect(rejections()[0]).toMatchObject({ reason: 'invalid_payload', tenant: 'acme', connection: 'hubspot-app' });

    const forged = await fetch(h.url + '/webhooks/acme/hubspot-app', {
      method: 'POST',
      headers: { 'x-hubspot-signature-v3': 'RnbPH7+UMKVkbV32P8bz450N4M56aPmcru1+D3kSDtw=', 'x-hubspot-request-timestamp': '1693657560000' },
      body: "{'example_field':'example_value'}",
    });
    expect(forged.status).toBe(401);
  });

  it('stores every event of a signed array, durably, before answering 200', async () => {
    const body = JSON.stringify([event(1), event(2), event(3)]);
    const res = await postHubSpot(body);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: 3, accepted: 3, duplicates: 0 });
    expect(sink.events.map((e) => e.eventId)).toEqual(['62515-12345-1-1564113600001', '62515-12345-2-1564113600002', '62515-12345-3-1564113600003']);
    expect(sink.events[0]).toEqual({
      tenant: 'acme',
      connection: 'hubspot',
      eventId: '62515-12345-1-1564113600001',
      receivedAt: new Date(NOW).toISOString(),
      payload: event(1),
      eventType: 'contact.propertyChange',
      objectId: '101',
    });
  });

  it('signs over the public URL with the query string as received', async () => {
    const path = '/webhooks/acme/hubspot?source=app%3Aone&x=a%20b';
    const body = JSON.stringify([event(1)]);
    // HubSpot decodes %3A before hashing and leaves %20 alone.
    const signature = signV3(HUBSPOT_SECRET, 'POST', `${PUBLIC}/webhooks/acme/hubspot?source=app:one&x=a%20b`, body, clock);
    expect((await postHubSpot(body, { path, signature })).status).toBe(200);
    // Signed over the daemon's own address instead of the public one: refused.
    const local = signV3(HUBSPOT_SECRET, 'POST', h.url + path, body, clock);
    expect((await postHubSpot(body, { path, signature: local })).status).toBe(401);
  });

  it('answers a replayed delivery 200 without storing it twice', async () => {
    const body = JSON.stringify([event(1), event(2)]);
    const signature = signV3(HUBSPOT_SECRET, 'POST', PUBLIC + '/webhooks/acme/hubspot', body, clock);
    expect(await (await postHubSpot(body, { signature })).json()).toEqual({ received: 2, accepted: 2, duplicates: 0 });
    clock += 60_000; // the same signed request, replayed a minute later, still within the window
    const replay = await postHubSpot(body, { signature, ts: NOW });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ received: 2, accepted: 0, duplicates: 2 });
    // A HubSpot retry: new timestamp, attemptNumber bumped, one new event alongside.
    const retry = JSON.stringify([{ ...event(2), attemptNumber: 1 }, event(3)]);
    expect(await (await postHubSpot(retry)).json()).toEqual({ received: 2, accepted: 1, duplicates: 1 });
    expect(sink.events).toHaveLength(3);
    const text = await (await fetch(h.url + '/metrics')).text();
    expect(text).toContain('syncd_webhook_events_received_total{tenant="acme",connection="hubspot",outcome="accepted"} 3');
    expect(text).toContain('syncd_webhook_events_received_total{tenant="acme",connection="hubspot",outcome="duplicate"} 3');
  });

  it('refuses forged, stale and future-dated deliveries with 401 and logs why, never the secret or signature', async () => {
    const body = JSON.stringify([event(1)]);
    const forgedSig = signV3('not-the-secret', 'POST', PUBLIC + '/webhooks/acme/hubspot', body, clock);
    const cases: [Promise<Response>, string][] = [
      [postHubSpot(body, { signature: forgedSig }), 'bad_signature'],
      [postHubSpot(body, { ts: clock - 300_001 }), 'stale_timestamp'],
      [postHubSpot(body, { ts: clock + 300_001 }), 'stale_timestamp'],
      [fetch(h.url + '/webhooks/acme/hubspot', { method: 'POST', body }), 'missing_signature'],
    ];
    for (const [pending] of cases) {
      const res = await pending;
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'unauthorized', message: 'webhook verification failed' });
    }
    expect(rejections().map((r) => r.reason)).toEqual(cases.map(([, reason]) => reason));
    expect(rejections()[0]).toMatchObject({ tenant: 'acme', connection: 'hubspot', status: 401, path: '/webhooks/acme/hubspot', remote_address: '127.0.0.1' });
    expect(sink.calls).toBe(0);

    // Inside the window on both sides: accepted.
    expect((await postHubSpot(JSON.stringify([event(5)]), { ts: clock - 300_000 })).status).toBe(200);
    expect((await postHubSpot(JSON.stringify([event(6)]), { ts: clock + 300_000 })).status).toBe(200);

    const all = h.lines.join('');
    expect(all).not.toContain(HUBSPOT_SECRET);
    expect(all).not.toContain(forgedSig);
    const metrics = await (await fetch(h.url + '/metrics')).text();
    expect(metrics).toContain('syncd_webhook_requests_rejected_total{tenant="acme",connection="hubspot",reason="stale_timestamp"} 2');
    expect(metrics).toContain('reason="bad_signature"} 1');
    expect(metrics).not.toContain(HUBSPOT_SECRET);
  });

  it('answers 400 to a verified body of the wrong shape', async () => {
    const res = await postHubSpot(JSON.stringify({ eventId: 1 }));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'bad_request', message: 'expected a JSON array of HubSpot events' });
    expect(sink.calls).toBe(0);
  });
});

describe('body limit', () => {
  it('answers 413 with a JSON error before verifying or storing anything', async () => {
    const big = JSON.stringify([{ ...event(1), propertyValue: 'x'.repeat(70 * 1024) }]);
    const res = await postHubSpot(big);
    expect(res.status).toBe(413);
    const body = (await res.json()) as { error: string; message: string };
    expect(body.error).toBe('payload_too_large');
    expect(Object.keys(body).sort()).toEqual(['error', 'message']);
    expect(sink.calls).toBe(0);
    expect(rejections()[0]).toMatchObject({ reason: 'body_too_large', status: 413, tenant: 'acme', connection: 'hubspot' });
  });

  it('also stops a chunked body that grows past the limit', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${h.url}/webhooks/globex/pipedrive`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 80; i++) req.write('x'.repeat(1024));
      req.end();
    });
    expect(status).toBe(413);
    expect(sink.calls).toBe(0);
  });
});

describe('Pipedrive deliveries (basic auth)', () => {
  const post = (body: unknown, authorization?: string) =>
    fetch(h.url + '/webhooks/acme/pipedrive', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify(body),
    });

  it('accepts the configured credentials and keys events by meta.id', async () => {
    const res = await post(pdDelivery('ev-1'), basic('syncd', PD_PASSWORD));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: 1, accepted: 1, duplicates: 0 });
    expect(sink.events[0]).toMatchObject({ tenant: 'acme', connection: 'pipedrive', eventId: 'ev-1' });
    const again = await post({ ...pdDelivery('ev-1'), meta: { ...pdDelivery('ev-1').meta, attempt: 2 } }, basic('syncd', PD_PASSWORD));
    expect(await again.json()).toEqual({ received: 1, accepted: 0, duplicates: 1 });
  });

  it('refuses wrong or missing credentials with 401, and never logs them', async () => {
    const wrongPassword = `${PD_PASSWORD}x`;
    expect((await post(pdDelivery('ev-2'), basic('syncd', wrongPassword))).status).toBe(401);
    expect((await post(pdDelivery('ev-2'), basic('other', PD_PASSWORD))).status).toBe(401);
    expect((await post(pdDelivery('ev-2'))).status).toBe(401);
    expect(rejections().map((r) => r.reason)).toEqual(['bad_credentials', 'bad_credentials', 'missing_credentials']);
    expect(sink.calls).toBe(0);
    const all = h.lines.join('');
    expect(all).not.toContain(PD_PASSWORD);
    expect(all).not.toContain(Buffer.from(`syncd:${wrongPassword}`).toString('base64'));
  });

  it('keeps the same event id apart between tenants', async () => {
    expect((await post(pdDelivery('shared-id'), basic('syncd', PD_PASSWORD))).status).toBe(200);
    const other = await fetch(h.url + '/webhooks/globex/pipedrive', { method: 'POST', body: JSON.stringify(pdDelivery('shared-id')) });
    expect(await other.json()).toEqual({ received: 1, accepted: 1, duplicates: 0 });
    expect(sink.events.map((e) => e.tenant)).toEqual(['acme', 'globex']);
  });
});

describe('routing and failures', () => {
  it('answers 404 for an unknown connection without minting metric labels', async () => {
    const res = await fetch(h.url + '/webhooks/acme/salesforce', { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'not_found', message: 'no webhook endpoint here' });
    expect(rejections()[0]).toMatchObject({ reason: 'unknown_connection', path: '/webhooks/acme/salesforce', tenant: '', connection: '' });
    const text = await (await fetch(h.url + '/metrics')).text();
    expect(text).toContain('syncd_webhook_requests_rejected_total{tenant="",connection="",reason="unknown_connection"} 1');
    expect(text).not.toContain('salesforce');
  });

  it('answers 500 without detail when the inbox cannot store, so the vendor retries', async () => {
    sink.failWith = new Error(`connection to postgres://syncd:${HUBSPOT_SECRET}@db failed`);
    const res = await postHubSpot(JSON.stringify([event(1)]));
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'internal', message: 'internal error' });
    const failed = h.log().find((r) => r.event === 'integration.server.request_failed');
    expect(failed).toMatchObject({ route: '/webhooks/:tenant/:connection', status: 500 });
    expect(h.lines.join('')).not.toContain(HUBSPOT_SECRET);
  });

  it('does not answer before the inbox has the events', async () => {
    let release!: () => void;
    sink.gate = new Promise<void>((r) => (release = r));
    let answered = false;
    const pending = postHubSpot(JSON.stringify([event(1)])).then((r) => {
      answered = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(answered).toBe(false);
    release();
    sink.gate = undefined;
    expect((await pending).status).toBe(200);
  });

  it('keeps the raw body whatever the content type', async () => {
    const body = JSON.stringify([event(9)]);
    const ts = clock;
    const res = await fetch(h.url + '/webhooks/acme/hubspot', {
      method: 'POST',
      headers: {
        'content-type': 'text/plain; charset=utf-8',
        'x-hubspot-signature-v3': signV3(HUBSPOT_SECRET, 'POST', PUBLIC + '/webhooks/acme/hubspot', body, ts),
        'x-hubspot-request-timestamp': String(ts),
      },
      body,
    });
    expect(res.status).toBe(200);
  });
});

describe('configuration', () => {
  it('refuses a hubspot-v3 endpoint with no public URL to sign against', async () => {
    await expect(
      startServer({ webhooks: { sink: new MemorySink(), connections: [{ tenant: 't', connection: 'c', verifier: { type: 'hubspot-v3', clientSecret: 'abcd' }, decoder: 'hubspot' }] } }),
    ).rejects.toThrowErrorMatchingInlineSnapshot(
      `[Error: webhook endpoint t/c verifies signatures that cover the public URL: set publicBaseUrl or the endpoint's publicUrl]`,
    );
  });

  it('refuses duplicate endpoints and unknown decoders', async () => {
    const c = { tenant: 't', connection: 'c', verifier: { type: 'none' as const }, decoder: 'pipedrive' };
    await expect(startServer({ webhooks: { sink: new MemorySink(), connections: [c, c] } })).rejects.toThrow('configured twice');
    await expect(startServer({ webhooks: { sink: new MemorySink(), connections: [{ ...c, decoder: 'nope' }] } })).rejects.toThrow('unknown webhook decoder');
  });
});
