import { createConnectorClient, ConnectorError, backoffDelay, retryPolicy } from '../../src/connectors/index.js';
import { collect, connectorDoc, dealsObject, rejection } from './support/doc.js';
import { json, startServer, type TestServer } from './support/server.js';

let server: TestServer;
let respond: (n: number, res: import('node:http').ServerResponse) => void | Promise<void>;

beforeEach(async () => {
  server = await startServer((req, res) => respond(server.requests.length, res));
});
afterEach(async () => {
  await server.close();
});

function client(extra: Parameters<typeof connectorDoc>[0] extends infer S ? Partial<S> : never = {}) {
  const doc = connectorDoc({
    baseUrl: server.url,
    errorMessage: 'message',
    errors: [{ status: 400, bodyMatches: 'DUPLICATE_VALUE', class: 'conflict' }],
    objects: {
      deals: dealsObject({
        list: { kind: 'list', path: '/deals', records: 'results', pagination: { type: 'none' } },
        create: { kind: 'create', path: '/deals', body: '{"properties": record}' },
      }),
    },
    ...extra,
  });
  return createConnectorClient(doc, { connection: { id: 'c1' }, tenant: 't1' });
}

const okList = (res: import('node:http').ServerResponse): void => json(res, 200, { results: [{ id: '1', properties: { name: 'A' } }] });

describe('transient failures', () => {
  it('waits for Retry-After after a 429, then succeeds', async () => {
    respond = (n, res) => (n === 1 ? json(res, 429, { message: 'slow down' }, { 'retry-after': '1' }) : okList(res));
    const started = Date.now();
    const records = await collect(client({ retry: { attempts: 3, initialDelay: '1ms', maxDelay: '5s' } }).list('deals'));
    expect(records).toEqual([{ id: '1', fields: { name: 'A' } }]);
    expect(server.requests).toHaveLength(2);
    const gap = (server.requests[1]?.at ?? 0) - (server.requests[0]?.at ?? 0);
    expect(gap).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('retries a 5xx and then succeeds', async () => {
    respond = (n, res) => (n <= 2 ? json(res, 503, { message: 'unavailable' }) : okList(res));
    expect(await collect(client().list('deals'))).toHaveLength(1);
    expect(server.requests).toHaveLength(3);
  });

  it('retries a request that timed out', async () => {
    respond = async (n, res) => {
      if (n === 1) await new Promise((r) => setTimeout(r, 400));
      okList(res);
    };
    const c = client({ timeout: '150ms' });
    expect(await collect(c.list('deals'))).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
  });

  it('gives up after the configured attempts with a transient error that counts them', async () => {
    respond = (_n, res) => json(res, 502, { message: 'bad gateway' });
    const err = await rejection(collect(client({ retry: { attempts: 3, initialDelay: '1ms', maxDelay: '5ms' } }).list('deals')));
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err).toMatchObject({ class: 'transient', status: 502, attempts: 3, vendorMessage: 'bad gateway' });
    expect(server.requests).toHaveLength(3);
  });

  it('does not wait for a Retry-After longer than the longest backoff: the caller reschedules', async () => {
    respond = (_n, res) => json(res, 429, { message: 'daily limit' }, { 'retry-after': '3600' });
    const started = Date.now();
    const err = await rejection(collect(client().list('deals')));
    expect(err).toMatchObject({ class: 'transient', status: 429, retryAfterMs: 3_600_000, attempts: 1 });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('terminal failures', () => {
  it('classifies a 400 as a mapping error carrying the vendor message, without retrying', async () => {
    respond = (_n, res) => json(res, 400, { status: 'error', message: 'Property "amount" is not a number', category: 'VALIDATION_ERROR' });
    const [result] = await client().write('deals', 'create', [{ fields: { name: 'A', amount: 5 } }]);
    expect(result).toMatchObject({ ok: false, error: { class: 'mapping', status: 400, vendorMessage: 'Property "amount" is not a number', recordIndex: 0 } });
    expect(server.requests).toHaveLength(1);
    if (result && !result.ok) expect(result.error.message).toMatchInlineSnapshot(`"testcrm deals.create: POST /deals → HTTP 400 (mapping): Property "amount" is not a number"`);
  });

  it('classifies a 409 as a conflict', async () => {
    respond = (_n, res) => json(res, 409, { message: 'Contact already exists. Existing ID: 17' });
    const [result] = await client().write('deals', 'create', [{ fields: { name: 'A' } }]);
    expect(result).toMatchObject({ ok: false, error: { class: 'conflict', status: 409 } });
    expect(server.requests).toHaveLength(1);
  });

  it("applies the connector's rules before the defaults", async () => {
    respond = (_n, res) => json(res, 400, { message: 'DUPLICATE_VALUE: duplicate value found: Quotey_Id__c' });
    const [result] = await client().write('deals', 'create', [{ fields: { name: 'A' } }]);
    expect(result).toMatchObject({ ok: false, error: { class: 'conflict', status: 400 } });
  });

  it('classifies 401 from a static token as auth with no retry', async () => {
    respond = (_n, res) => json(res, 401, { message: 'expired' });
    const err = await rejection(collect(client().list('deals')));
    expect(err).toMatchObject({ class: 'auth', status: 401 });
    expect(server.requests).toHaveLength(1);
  });
});

describe('backoff', () => {
  it('draws from [0, min(maxDelay, initial·2^n)) with full jitter', () => {
    const policy = retryPolicy({ attempts: 10, initialDelay: '100ms', maxDelay: '1s' });
    expect(backoffDelay(policy, 1, () => 0.999)).toBe(99);
    expect(backoffDelay(policy, 3, () => 0.999)).toBe(399);
    expect(backoffDelay(policy, 8, () => 0.999)).toBe(999);
    expect(backoffDelay(policy, 8, () => 0)).toBe(0);
  });
});
