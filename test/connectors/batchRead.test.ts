/**
 * Batch reads (`batchRead` operations): ids go `maxBatch` per request, bound as `records` in the
 * body, and ids the vendor answers no record for are left out, as a 404 is for `get`. A write's
 * `current` (the properties its operation `reads`) reaches the body of single and batch writes.
 */
import { createConnectorClient } from '../../src/connectors/index.js';
import { connectorTarget } from '../../src/engine/endpoints/connectorEndpoints.js';
import type { ObjectSpec } from '../../src/spec/types.js';
import { connectorDoc, dealsObject } from './support/doc.js';
import { json, useTestServer } from './support/server.js';

const t = useTestServer();

function clientFor(ops: ObjectSpec['operations']) {
  return createConnectorClient(connectorDoc({ baseUrl: `${t.server.url}/api`, objects: { deals: dealsObject(ops) } }), { connection: { id: 'c' }, tenant: 't' });
}

describe('batch reads', () => {
  it('read ids maxBatch per request and leave out the ones the vendor does not know', async () => {
    t.handler = (req, res) => {
      const ids = (req.body as { inputs: Array<{ id: string }> }).inputs.map((i) => i.id);
      // Like HubSpot: 207 with an error listing the ids it has no record of.
      const known = ids.filter((id) => id !== '4');
      json(res, known.length === ids.length ? 200 : 207, { results: known.map((id) => ({ id, properties: { name: `deal ${id}` } })), errors: known.length === ids.length ? [] : [{ category: 'OBJECT_NOT_FOUND' }] });
    };
    const c = clientFor({
      batchRead: { kind: 'batchRead', method: 'POST', path: '/deals/batch/read', maxBatch: 3, body: '{"properties": ["name"], "inputs": [records.{"id": id}]}', records: 'results' },
    });
    const records = await c.batchRead('deals', ['1', '2', '3', '4', '5', '6', '7']);
    expect(records.map((r) => [r.id, r.fields.name])).toEqual([
      ['1', 'deal 1'],
      ['2', 'deal 2'],
      ['3', 'deal 3'],
      ['5', 'deal 5'],
      ['6', 'deal 6'],
      ['7', 'deal 7'],
    ]);
    expect(t.server.requests.map((r) => (r.body as { inputs: Array<{ id: string }> }).inputs.map((i) => i.id))).toEqual([['1', '2', '3'], ['4', '5', '6'], ['7']]);
    expect(t.server.requests[0]?.body).toEqual({ properties: ['name'], inputs: [{ id: '1' }, { id: '2' }, { id: '3' }] });
  });
});

describe('reading a target before the merge', () => {
  /** Like Pipedrive: a list call by ids costs 10 tokens, a get 1. */
  const ops: ObjectSpec['operations'] = {
    get: { kind: 'get', method: 'GET', path: '/deals/{id}', cost: 1 },
    batchRead: { kind: 'batchRead', method: 'GET', path: '/deals', cost: 10, maxBatch: 100, params: '{"ids": $join(records.id, ",")}', records: 'results' },
  };

  it('reads by batch when that costs no more than a get each, and by get otherwise', async () => {
    t.handler = (req, res) => {
      if (req.url.startsWith('/api/deals?')) {
        const ids = (req.query.get('ids') ?? '').split(',');
        return json(res, 200, { results: ids.map((id) => ({ id, properties: { name: `deal ${id}` } })) });
      }
      const id = req.url.split('/').pop() as string;
      return json(res, 200, { id, properties: { name: `deal ${id}` } });
    };
    const spec = dealsObject(ops);
    const target = connectorTarget({ client: createConnectorClient(connectorDoc({ baseUrl: `${t.server.url}/api`, objects: { deals: spec } }), { connection: { id: 'c' }, tenant: 't' }), connector: 'testcrm', object: 'deals', spec });
    const read = target.read as NonNullable<typeof target.read>;
    const twelve = Array.from({ length: 12 }, (_, i) => String(i + 1));
    const many = await read(twelve, new AbortController().signal);
    expect([...many.keys()].sort()).toEqual([...twelve].sort());
    expect(many.get('7')?.fields.name).toBe('deal 7');
    expect(t.server.requests.map((r) => r.url)).toEqual([`/api/deals?ids=${twelve.join('%2C')}`]);
    t.server.requests.length = 0;
    const few = await read(['1', '2', '3'], new AbortController().signal);
    expect(few.size).toBe(3);
    expect(t.server.requests.map((r) => r.url).sort()).toEqual(['/api/deals/1', '/api/deals/2', '/api/deals/3']);
  });
});

describe('current values in write bodies', () => {
  it('bind `current` in a single write and in each item of a batch', async () => {
    t.handler = (req, res) => json(res, 200, req.url.includes('batch') ? { results: [{ id: '1' }, { id: '2' }] } : { id: '1' });
    const c = clientFor({
      update: { kind: 'update', method: 'PATCH', path: '/deals/{id}', reads: ['name'], body: '{"name": record.name, "was": current.name}' },
      batchUpdate: { kind: 'batchUpdate', method: 'POST', path: '/deals/batch/update', maxBatch: 10, reads: ['name'], body: '{"inputs": [records.{"id": id, "name": record.name, "was": current.name}]}', records: 'results' },
    });
    await c.write('deals', 'update', [{ id: '1', fields: { name: 'new' }, current: { name: 'old' } }]);
    await c.write('deals', 'batchUpdate', [
      { id: '1', fields: { name: 'a2' }, current: { name: 'a1' } },
      { id: '2', fields: { name: 'b2' } },
    ]);
    expect(t.server.requests.map((r) => r.body)).toEqual([
      { name: 'new', was: 'old' },
      { inputs: [{ id: '1', name: 'a2', was: 'a1' }, { id: '2', name: 'b2' }] },
    ]);
  });
});
