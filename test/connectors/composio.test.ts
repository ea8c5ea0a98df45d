import { createConnectorClient, type ConnectionRef, type WriteResult } from '../../src/connectors/index.js';
import { collect, connectorDoc, dealsObject, rejection } from './support/doc.js';
import { json, startServer, type TestServer } from './support/server.js';

let server: TestServer;
beforeEach(async () => {
  server = await startServer((req, res) => {
    if (req.headers['x-api-key'] !== 'composio-key-1') return json(res, 401, { error: { message: 'Invalid API key', code: 401, status: 401 } });
    if (req.method === 'GET' && req.path.startsWith('/api/v3/tools/')) {
      return json(res, 200, { slug: req.path.split('/').pop(), name: 'Read deals', version: req.query.get('toolkit_versions'), input_parameters: { type: 'object' }, is_deprecated: false });
    }
    const body = req.body as { arguments: Record<string, unknown>; connected_account_id: string };
    if (body.connected_account_id === 'ca_gone') return json(res, 404, { error: { message: 'Connected account ca_gone not found', code: 1803, status: 404 } });
    if (body.connected_account_id === 'ca_expired') return json(res, 200, { data: {}, error: 'Connected account is EXPIRED; re-authenticate the user', successful: false, log_id: 'log_1' });
    const tool = req.path.split('/').pop();
    if (tool === 'HUBSPOT_READ_A_PAGE_OF_DEALS') {
      const after = Number(body.arguments.after ?? 0);
      const all = [1, 2, 3].map((i) => ({ id: String(i), properties: { name: `deal ${i}`, amount: String(i * 10) } }));
      return json(res, 200, { data: { results: all.slice(after, after + 2), ...(after + 2 < all.length ? { paging: { next: { after: String(after + 2) } } } : {}) }, error: null, successful: true, log_id: 'log_2' });
    }
    if (tool === 'HUBSPOT_CREATE_NEW_DEAL_OBJECT') {
      const props = body.arguments.properties as Record<string, unknown>;
      if (props.name === 'invalid') return json(res, 200, { data: {}, error: 'HubSpot API error 400: Property values were not valid', successful: false });
      return json(res, 200, { data: { response_data: { id: '901', properties: props } }, error: null, successful: true });
    }
    json(res, 404, { error: { message: 'Tool not found', code: 404, status: 404 } });
  });
});
afterEach(async () => {
  await server.close();
});

function clientFor(connection: ConnectionRef) {
  const doc = connectorDoc({
    baseUrl: 'https://api.hubapi.com',
    auth: { type: 'composio', apiKey: 'composio-key-1', baseUrl: server.url, toolkit: 'hubspot', toolkitVersion: '20250909_00', userId: 'default-user' },
    objects: {
      deals: dealsObject({
        list: { kind: 'list', tool: 'HUBSPOT_READ_A_PAGE_OF_DEALS', arguments: '{"limit": 2}', records: 'results', pagination: { type: 'cursor', param: 'after', in: 'body', next: 'paging.next.after' }, hooks: { decode: 'hubspot.decodeRecord' } },
        create: { kind: 'create', tool: 'HUBSPOT_CREATE_NEW_DEAL_OBJECT', arguments: '{"properties": record, "metadata": {"source": "syncd"}}', record: 'response_data', hooks: { encode: 'hubspot.encodeProperties' } },
      }),
    },
  });
  return createConnectorClient(doc, { connection, tenant: 't1' });
}

const executions = () => server.requests.filter((r) => r.path.startsWith('/api/v3/tools/execute/'));

describe('Composio transport', () => {
  it('executes list tools page by page and hands out normalised records only', async () => {
    const c = clientFor({ id: 'c1', connectedAccountId: 'ca_1', userId: 'user-7' });
    const records = await collect(c.list('deals', { correlationId: 'corr-1' }));
    expect(records).toEqual([
      { id: '1', fields: { name: 'deal 1', amount: 10 } },
      { id: '2', fields: { name: 'deal 2', amount: 20 } },
      { id: '3', fields: { name: 'deal 3', amount: 30 } },
    ]);
    const [first, second] = executions();
    expect(first?.path).toBe('/api/v3/tools/execute/HUBSPOT_READ_A_PAGE_OF_DEALS');
    expect(first?.body).toEqual({ arguments: { limit: 2 }, user_id: 'user-7', connected_account_id: 'ca_1', version: '20250909_00' });
    expect(second?.body).toMatchObject({ arguments: { limit: 2, after: '2' } });
    expect(first?.headers['x-correlation-id']).toBe('corr-1');
  });

  it('carries the correlation id into the tool metadata and returns the created id', async () => {
    const results = await clientFor({ id: 'c1', connectedAccountId: 'ca_1' }).write('deals', 'create', [{ fields: { name: 'New', amount: 5 } }], { correlationId: 'corr-9' });
    expect(results).toEqual([{ ok: true, id: '901', created: true }]);
    expect(executions()[0]?.body).toEqual({
      arguments: { properties: { name: 'New', amount: '5' }, metadata: { source: 'syncd', correlation_id: 'corr-9' } },
      user_id: 'default-user',
      connected_account_id: 'ca_1',
      version: '20250909_00',
    });
  });

  it('reports a missing connected account as auth (needs reconnect) without calling Composio', async () => {
    const [result] = await clientFor({ id: 'c1' }).write('deals', 'create', [{ fields: { name: 'x' } }]);
    expect(result).toMatchObject({ ok: false, error: { class: 'auth', code: 'needs_reconnect', recordIndex: 0 } });
    expect(server.requests).toHaveLength(0);
  });

  it('classifies an expired connected account as auth, never as a record failure', async () => {
    const results = await clientFor({ id: 'c1', connectedAccountId: 'ca_expired' }).write('deals', 'create', [{ fields: { name: 'a' } }, { fields: { name: 'b' } }]);
    expect(results.map((r) => !r.ok && `${r.error.class}/${r.error.code}`)).toEqual(['auth/needs_reconnect', 'auth/needs_reconnect']);
  });

  it('classifies a 404 for an unknown connected account as auth', async () => {
    const err = await rejection(collect(clientFor({ id: 'c1', connectedAccountId: 'ca_gone' }).list('deals')));
    expect(err).toMatchObject({ class: 'auth', status: 404, vendorMessage: 'Connected account ca_gone not found' });
  });

  it('classifies an upstream validation failure inside a successful execution as mapping', async () => {
    const [result] = await clientFor({ id: 'c1', connectedAccountId: 'ca_1' }).write('deals', 'create', [{ fields: { name: 'invalid' } }]);
    const err = (result as Extract<WriteResult, { ok: false }>).error;
    expect(err).toMatchObject({ class: 'mapping', status: 400, vendorMessage: 'HubSpot API error 400: Property values were not valid' });
  });

  it('fetches tool metadata once and caches it', async () => {
    const c = clientFor({ id: 'c1', connectedAccountId: 'ca_1' });
    const [a, b] = await Promise.all([c.toolMetadata('HUBSPOT_READ_A_PAGE_OF_DEALS'), c.toolMetadata('HUBSPOT_READ_A_PAGE_OF_DEALS')]);
    await c.toolMetadata('HUBSPOT_READ_A_PAGE_OF_DEALS');
    expect(a).toBe(b);
    expect(a).toMatchObject({ slug: 'HUBSPOT_READ_A_PAGE_OF_DEALS', version: '20250909_00' });
    expect(server.requests.filter((r) => r.method === 'GET')).toHaveLength(1);
  });
});
