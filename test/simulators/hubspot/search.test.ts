import type { RunningSimulator } from '../../../src/simulators/kit/server.js';
import { call, start } from './helpers.js';

describe('HubSpot CRM search', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await start({ limits: { tenSecond: 100_000, searchPerSecond: 1000 } });
  });
  afterAll(() => sim.close());
  beforeEach(() => call(sim, 'POST', '/__admin/reset'));

  const search = (type: string, body: object) => call(sim, 'POST', `/crm/v3/objects/${type}/search`, body);
  const ids = (res: { body: { results: Array<{ id: string }> } }) => res.body.results.map((r) => r.id);
  const filter = (propertyName: string, operator: string, extra: object = {}) => ({ filterGroups: [{ filters: [{ propertyName, operator, ...extra }] }] });

  it('returns the default properties per object and a total', async () => {
    const res = await search('deals', {});
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(3);
    expect(Object.keys(res.body.results[0].properties).sort()).toEqual(['amount', 'closedate', 'createdate', 'dealname', 'dealstage', 'hs_lastmodifieddate', 'hs_object_id', 'pipeline']);
    const companies = await search('companies', { limit: 1 });
    expect(Object.keys(companies.body.results[0].properties).sort()).toEqual(['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name']);
    expect(companies.body.paging.next.after).toBe('1');
  });

  it('implements the documented operators', async () => {
    expect(ids(await search('contacts', filter('firstname', 'EQ', { value: 'ADA' })))).toEqual(['2002']);
    expect(ids(await search('contacts', filter('firstname', 'NEQ', { value: 'ada' })))).toEqual(['2001', '2003', '2004', '2005']);
    expect(ids(await search('deals', filter('amount', 'LT', { value: '1500' })))).toEqual([]);
    expect(ids(await search('deals', filter('amount', 'LTE', { value: '1500' })))).toEqual(['3002']);
    expect(ids(await search('deals', filter('amount', 'GT', { value: '12000' })))).toEqual(['3003']);
    expect(ids(await search('deals', filter('amount', 'GTE', { value: '12000' })))).toEqual(['3001', '3003']);
    expect(ids(await search('deals', filter('amount', 'BETWEEN', { value: '1000', highValue: '20000' })))).toEqual(['3001', '3002']);
    expect(ids(await search('contacts', filter('lifecyclestage', 'IN', { values: ['lead', 'customer'] })))).toEqual(['2001', '2002']);
    expect(ids(await search('contacts', filter('lastname', 'IN', { values: ['cooper'] })))).toEqual(['2001']);
    expect(ids(await search('contacts', filter('lastname', 'IN', { values: ['Cooper'] })))).toEqual([]);
    expect(ids(await search('contacts', filter('lifecyclestage', 'NOT_IN', { values: ['lead', 'customer'] })))).toEqual(['2003', '2004', '2005']);
    expect(ids(await search('contacts', filter('lifecyclestage', 'HAS_PROPERTY')))).toEqual(['2001', '2002', '2003', '2004']);
    expect(ids(await search('contacts', filter('lifecyclestage', 'NOT_HAS_PROPERTY')))).toEqual(['2005']);
    expect(ids(await search('contacts', filter('email', 'CONTAINS_TOKEN', { value: '*@biglytics.net' })))).toEqual(['2001', '2004']);
    expect(ids(await search('companies', filter('name', 'CONTAINS_TOKEN', { value: 'widg*' })))).toEqual(['1003']);
    expect(ids(await search('companies', filter('name', 'NOT_CONTAINS_TOKEN', { value: 'acme' })))).toEqual(['1001', '1002']);
    expect(ids(await search('contacts', filter('associations.company', 'EQ', { value: '1002' })))).toEqual(['2002']);
  });

  it('ANDs filters within a group and ORs groups', async () => {
    const res = await search('contacts', {
      filterGroups: [
        { filters: [{ propertyName: 'email', operator: 'CONTAINS_TOKEN', value: '*@biglytics.net' }, { propertyName: 'firstname', operator: 'EQ', value: 'alan' }] },
        { filters: [{ propertyName: 'lastname', operator: 'EQ', value: 'dijkstra' }] },
      ],
    });
    expect(ids(res)).toEqual(['2004', '2005']);
  });

  it('filters on modification dates given as epoch ms, for incremental sync', async () => {
    const all = await search('companies', { sorts: [{ propertyName: 'hs_lastmodifieddate', direction: 'ASCENDING' }], properties: ['hs_lastmodifieddate'] });
    const second = Date.parse(all.body.results[1].properties.hs_lastmodifieddate);
    await call(sim, 'PATCH', '/crm/v3/objects/companies/1001', { properties: { city: 'Boston' } });
    const since = await search('companies', {
      ...filter('hs_lastmodifieddate', 'GTE', { value: String(second) }),
      sorts: [{ propertyName: 'hs_lastmodifieddate', direction: 'ASCENDING' }],
    });
    expect(ids(since)).toEqual(['1002', '1003', '1001']);
  });

  it('sorts descending and pages with after', async () => {
    const first = await search('contacts', { sorts: [{ propertyName: 'firstname', direction: 'DESCENDING' }], limit: 3, properties: ['firstname'] });
    expect(first.body.results.map((r: { properties: { firstname: string } }) => r.properties.firstname)).toEqual(['Grace', 'Edsger', 'Bryan']);
    const next = await search('contacts', { sorts: [{ propertyName: 'firstname', direction: 'DESCENDING' }], limit: 3, after: first.body.paging.next.after, properties: ['firstname'] });
    expect(next.body.results.map((r: { properties: { firstname: string } }) => r.properties.firstname)).toEqual(['Alan', 'Ada']);
    expect(next.body.paging).toBeUndefined();
  });

  it('enforces the documented limits with 400 VALIDATION_ERROR', async () => {
    const f = { propertyName: 'firstname', operator: 'HAS_PROPERTY' };
    const cases: object[] = [
      { filterGroups: Array.from({ length: 6 }, () => ({ filters: [f] })) },
      { filterGroups: [{ filters: Array.from({ length: 7 }, () => f) }] },
      { filterGroups: Array.from({ length: 4 }, () => ({ filters: Array.from({ length: 5 }, () => f) })) },
      { sorts: [{ propertyName: 'firstname', direction: 'ASCENDING' }, { propertyName: 'lastname', direction: 'ASCENDING' }] },
      { limit: 201 },
      { after: '10000' },
      filter('firstname', 'LIKE', { value: 'x' }),
      { query: 'x'.repeat(3001) },
    ];
    for (const body of cases) {
      const res = await search('contacts', body);
      expect({ body, status: res.status, category: res.body.category }).toEqual({ body, status: 400, category: 'VALIDATION_ERROR' });
    }
    // The maxima themselves are fine.
    const max = await search('contacts', { filterGroups: Array.from({ length: 3 }, () => ({ filters: Array.from({ length: 6 }, () => f) })), limit: 200 });
    expect(max.status).toBe(200);
  });

  it('caps paging at 10,000 results', async () => {
    const inputs = Array.from({ length: 100 }, (_, i) => ({ properties: { dealname: `bulk ${i}` } }));
    for (let i = 0; i < 101; i++) await call(sim, 'POST', '/crm/v3/objects/deals/batch/create', { inputs });
    const near = await search('deals', { limit: 200, after: '9900' });
    expect(near.body.total).toBe(10_103);
    expect(near.body.results).toHaveLength(100);
    // The last page still offers a cursor; following it past the cap is the documented 400.
    expect(near.body.paging.next.after).toBe('10000');
    const past = await search('deals', { limit: 10, after: near.body.paging.next.after });
    expect(past.status).toBe(400);
    expect(past.body.category).toBe('VALIDATION_ERROR');
  });

  it('matches a free-text query and never returns archived records', async () => {
    expect(ids(await search('companies', { query: 'lytics' }))).toEqual(['1001', '1002']);
    await call(sim, 'DELETE', '/crm/v3/objects/companies/1001');
    expect(ids(await search('companies', { query: 'lytics' }))).toEqual(['1002']);
  });

  it('is eventually consistent when an index delay is configured', async () => {
    const lagging = await start({ searchIndexDelayMs: 300 });
    try {
      await call(lagging, 'POST', '/crm/v3/objects/companies', { properties: { name: 'Lagging Co' } });
      const body = filter('name', 'EQ', { value: 'lagging co' });
      expect((await call(lagging, 'POST', '/crm/v3/objects/companies/search', body)).body.total).toBe(0);
      await new Promise((r) => setTimeout(r, 350));
      expect((await call(lagging, 'POST', '/crm/v3/objects/companies/search', body)).body.total).toBe(1);
    } finally {
      await lagging.close();
    }
  });
});
