import type { RunningSimulator } from '../../../src/simulators/kit/server.js';
import { call, start } from './helpers.js';

describe('HubSpot batch endpoints', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await start({ limits: { tenSecond: 100_000 } });
  });
  afterAll(() => sim.close());
  beforeEach(() => call(sim, 'POST', '/__admin/reset'));

  const count = async (type: string) => (await call(sim, 'GET', '/__admin/state', undefined, null)).body.counts[type].active as number;

  it('accepts 100 inputs and rejects 101 with a 400', async () => {
    const inputs = (n: number) => Array.from({ length: n }, (_, i) => ({ properties: { name: `Co ${i}` } }));
    const over = await call(sim, 'POST', '/crm/v3/objects/companies/batch/create', { inputs: inputs(101) });
    expect(over.status).toBe(400);
    expect(over.body.category).toBe('VALIDATION_ERROR');
    expect(await count('companies')).toBe(3);
    const ok = await call(sim, 'POST', '/crm/v3/objects/companies/batch/create', { inputs: inputs(100) });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ status: 'COMPLETE' });
    expect(ok.body.results).toHaveLength(100);
    expect(ok.body.startedAt).toBeTypeOf('string');
    expect(ok.body.completedAt).toBeTypeOf('string');
    expect(await count('companies')).toBe(103);
  });

  it('fails a whole create batch on one bad input, unless inputs carry objectWriteTraceId (207)', async () => {
    const bad = await call(sim, 'POST', '/crm/v3/objects/deals/batch/create', { inputs: [{ properties: { dealname: 'ok' } }, { properties: { nope: '1' } }] });
    expect(bad.status).toBe(400);
    expect(await count('deals')).toBe(3);

    const partial = await call(sim, 'POST', '/crm/v3/objects/deals/batch/create', {
      inputs: [
        { objectWriteTraceId: 't1', properties: { dealname: 'ok' } },
        { objectWriteTraceId: 't2', properties: { nope: '1' } },
      ],
    });
    expect(partial.status).toBe(207);
    expect(partial.body.numErrors).toBe(1);
    expect(partial.body.results).toHaveLength(1);
    expect(partial.body.errors[0]).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR', context: { objectWriteTraceId: ['t2'] } });
    expect(await count('deals')).toBe(4);
  });

  it('reads with 207 for missing ids and idProperty lookups', async () => {
    const res = await call(sim, 'POST', '/crm/v3/objects/contacts/batch/read', { inputs: [{ id: '2001' }, { id: '424242' }], properties: ['email'] });
    expect(res.status).toBe(207);
    expect(res.body.results.map((r: { id: string }) => r.id)).toEqual(['2001']);
    expect(res.body.numErrors).toBe(1);
    expect(res.body.errors[0]).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND', context: { ids: ['424242'] } });
    const byEmail = await call(sim, 'POST', '/crm/v3/objects/contacts/batch/read', { inputs: [{ id: 'ada@smalllytics.io' }], idProperty: 'email', properties: [] });
    expect(byEmail.status).toBe(200);
    expect(byEmail.body.results[0].id).toBe('2002');
    const notUnique = await call(sim, 'POST', '/crm/v3/objects/contacts/batch/read', { inputs: [{ id: 'Ada' }], idProperty: 'firstname', properties: [] });
    expect(notUnique.status).toBe(400);
  });

  it('updates in batch, rejecting duplicate ids', async () => {
    const dup = await call(sim, 'POST', '/crm/v3/objects/deals/batch/update', { inputs: [{ id: '3001', properties: { amount: '1' } }, { id: '3001', properties: { amount: '2' } }] });
    expect(dup.status).toBe(400);
    const res = await call(sim, 'POST', '/crm/v3/objects/deals/batch/update', { inputs: [{ id: '3001', properties: { amount: '1' } }, { id: '3002', properties: { amount: '2' } }] });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { properties: { amount: string } }) => r.properties.amount).sort()).toEqual(['1', '2']);
  });

  it('upserts by a unique property with the new flag', async () => {
    const res = await call(sim, 'POST', '/crm/v3/objects/contacts/batch/upsert', {
      inputs: [
        { id: 'bcooper@biglytics.net', idProperty: 'email', properties: { jobtitle: 'CTO' } },
        { id: 'fresh@example.com', idProperty: 'email', properties: { firstname: 'Fresh' } },
      ],
    });
    expect(res.status).toBe(200);
    const [existing, created] = res.body.results;
    expect(existing).toMatchObject({ id: '2001', new: false, properties: { jobtitle: 'CTO' } });
    expect(created).toMatchObject({ new: true, properties: { firstname: 'Fresh' } });
    expect((await call(sim, 'GET', `/crm/v3/objects/contacts/${created.id}`)).body.properties.email).toBe('fresh@example.com');
  });

  it('archives in batch (204)', async () => {
    const res = await call(sim, 'POST', '/crm/v3/objects/deals/batch/archive', { inputs: [{ id: '3001' }, { id: '3002' }] });
    expect(res.status).toBe(204);
    expect(await count('deals')).toBe(1);
  });
});
