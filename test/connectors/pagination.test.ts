import { createConnectorClient } from '../../src/connectors/index.js';
import type { ObjectSpec } from '../../src/spec/types.js';
import { collect, connectorDoc, dealsObject, rejection } from './support/doc.js';
import { json, useTestServer } from './support/server.js';

const t = useTestServer();

const ALL = Array.from({ length: 7 }, (_, i) => ({ id: String(i + 1), properties: { name: `deal ${i + 1}` } }));

function clientFor(ops: ObjectSpec['operations']) {
  return createConnectorClient(connectorDoc({ baseUrl: `${t.server.url}/api`, objects: { deals: dealsObject(ops) } }), { connection: { id: 'c' }, tenant: 't' });
}

describe('pagination', () => {
  it('follows a cursor in the query until the response has none', async () => {
    t.handler = (req, res) => {
      const after = Number(req.query.get('after') ?? 0);
      const limit = Number(req.query.get('limit'));
      const page = ALL.slice(after, after + limit);
      json(res, 200, { results: page, ...(after + limit < ALL.length ? { paging: { next: { after: String(after + limit) } } } : {}) });
    };
    const c = clientFor({ list: { kind: 'list', path: '/deals', records: 'results', pagination: { type: 'cursor', param: 'after', next: 'paging.next.after', limitParam: 'limit', pageSize: 3 } } });
    const ids = (await collect(c.list('deals'))).map((r) => r.id);
    expect(ids).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(t.server.requests.map((r) => r.url)).toEqual(['/api/deals?limit=3', '/api/deals?limit=3&after=3', '/api/deals?limit=3&after=6']);
  });

  it('puts a body cursor into the request body next to what `body` built, with `since`', async () => {
    t.handler = (req, res) => {
      const b = req.body as { after?: string; limit: number };
      const after = Number(b.after ?? 0);
      json(res, 200, { results: ALL.slice(after, after + b.limit), paging: after + b.limit < ALL.length ? { next: { after: String(after + b.limit) } } : null });
    };
    const c = clientFor({
      search: {
        kind: 'search',
        method: 'POST',
        path: '/deals/search',
        body: '{"filters": [{"propertyName": "hs_lastmodifieddate", "operator": "GTE", "value": $string(since)}]}',
        since: { format: 'epochMillis' },
        records: 'results',
        pagination: { type: 'cursor', param: 'after', in: 'body', next: 'paging.next.after', limitParam: 'limit', pageSize: 4 },
      },
    });
    const ids = (await collect(c.search('deals', { since: '2026-01-01T00:00:00Z' }))).map((r) => r.id);
    expect(ids).toHaveLength(7);
    expect(t.server.requests.map((r) => r.body)).toEqual([
      { filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: '1767225600000' }], limit: 4 },
      { filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: '1767225600000' }], limit: 4, after: '4' },
    ]);
  });

  it('follows relative next-record URLs until `done`, like a SOQL query', async () => {
    t.handler = (req, res) => {
      if (req.path === '/api/query') return json(res, 200, { done: false, nextRecordsUrl: '/api/query/01g-3', records: ALL.slice(0, 3) });
      if (req.path === '/api/query/01g-3') return json(res, 200, { done: false, nextRecordsUrl: `${t.server.url}/api/query/01g-6`, records: ALL.slice(3, 6) });
      json(res, 200, { done: true, nextRecordsUrl: '/api/query/never', records: ALL.slice(6) });
    };
    const c = clientFor({ list: { kind: 'list', path: '/query', query: { q: 'SELECT Id FROM Opportunity' }, records: 'records', pagination: { type: 'nextUrl', next: 'nextRecordsUrl', done: 'done' } } });
    expect((await collect(c.list('deals'))).map((r) => r.id)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(t.server.requests.map((r) => r.path)).toEqual(['/api/query', '/api/query/01g-3', '/api/query/01g-6']);
    expect(t.server.requests[0]?.query.get('q')).toBe('SELECT Id FROM Opportunity');
  });

  it('refuses a next-page link to another host, so credentials never leave the API host', async () => {
    t.handler = (_req, res) => json(res, 200, { nextRecordsUrl: 'http://203.0.113.9/steal', records: ALL.slice(0, 1) });
    const c = clientFor({ list: { kind: 'list', path: '/query', records: 'records', pagination: { type: 'nextUrl', next: 'nextRecordsUrl' } } });
    const err = await rejection(collect(c.list('deals')));
    expect(err).toMatchObject({ class: 'mapping', code: 'foreign_link' });
    expect(t.server.requests).toHaveLength(1);
  });

  it('pages by offset while `more` says so', async () => {
    t.handler = (req, res) => {
      const start = Number(req.query.get('start'));
      const limit = Number(req.query.get('limit'));
      json(res, 200, { data: ALL.slice(start, start + limit), additional_data: { pagination: { more_items_in_collection: start + limit < ALL.length } } });
    };
    const c = clientFor({ list: { kind: 'list', path: '/v1/deals', records: 'data', pagination: { type: 'offset', param: 'start', limitParam: 'limit', pageSize: 5, more: 'additional_data.pagination.more_items_in_collection' } } });
    expect(await collect(c.list('deals'))).toHaveLength(7);
    expect(t.server.requests.map((r) => r.url)).toEqual(['/api/v1/deals?start=0&limit=5', '/api/v1/deals?start=5&limit=5']);
  });

  it('makes one request without pagination', async () => {
    t.handler = (_req, res) => json(res, 200, ALL);
    const c = clientFor({ list: { kind: 'list', path: '/deals', pagination: { type: 'none' } } });
    expect(await collect(c.list('deals'))).toHaveLength(7);
    expect(t.server.requests).toHaveLength(1);
  });

  it('fetches the next page only when the consumer asks for it', async () => {
    t.handler = (req, res) => {
      const after = Number(req.query.get('after') ?? 0);
      json(res, 200, { results: ALL.slice(after, after + 2), paging: { next: { after: String(after + 2) } } });
    };
    const c = clientFor({ list: { kind: 'list', path: '/deals', records: 'results', pagination: { type: 'cursor', param: 'after', next: 'paging.next.after' } } });
    for await (const r of c.list('deals')) if (r.id === '2') break;
    expect(t.server.requests).toHaveLength(1);
  });

  it('stops with an error when the vendor repeats a cursor', async () => {
    t.handler = (_req, res) => json(res, 200, { results: ALL.slice(0, 1), paging: { next: { after: 'same' } } });
    const c = clientFor({ list: { kind: 'list', path: '/deals', records: 'results', pagination: { type: 'cursor', param: 'after', next: 'paging.next.after' } } });
    expect(await rejection(collect(c.list('deals')))).toMatchObject({ class: 'mapping', code: 'pagination_loop' });
  });
});
