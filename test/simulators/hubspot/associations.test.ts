import type { RunningSimulator } from '../../../src/simulators/kit/server.js';
import { call, start } from './helpers.js';

describe('HubSpot associations v4', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await start({ limits: { tenSecond: 100_000 } });
  });
  afterAll(() => sim.close());
  beforeEach(() => call(sim, 'POST', '/__admin/reset'));

  it('creates a default association, visible from both sides with the right type ids', async () => {
    const res = await call(sim, 'PUT', '/crm/v4/objects/deals/3002/associations/default/companies/1003');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('COMPLETE');
    expect(res.body.results[0]).toMatchObject({ from: { id: '3002' }, to: { id: '1003' }, associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 341 } });
    const fromDeal = await call(sim, 'GET', '/crm/v4/objects/deals/3002/associations/companies');
    expect(fromDeal.body.results).toContainEqual({ toObjectId: 1003, associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 341, label: null }] });
    const fromCompany = await call(sim, 'GET', '/crm/v4/objects/companies/1003/associations/deals');
    expect(fromCompany.body.results).toContainEqual({ toObjectId: 3002, associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 342, label: null }] });
  });

  it('creates labelled associations, rejects unknown types, and deletes', async () => {
    const put = await call(sim, 'PUT', '/crm/v4/objects/deals/3003/associations/companies/1002', [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 5 }]);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ fromObjectTypeId: '0-3', fromObjectId: 3003, toObjectTypeId: '0-2', toObjectId: 1002, labels: ['Primary'] });
    const list = await call(sim, 'GET', '/crm/v4/objects/0-3/3003/associations/0-2');
    expect(list.body.results.find((r: { toObjectId: number }) => r.toObjectId === 1002).associationTypes.map((t: { typeId: number }) => t.typeId)).toEqual([5, 341]);
    expect((await call(sim, 'PUT', '/crm/v4/objects/deals/3003/associations/companies/1002', [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 }])).status).toBe(400);
    expect((await call(sim, 'PUT', '/crm/v4/objects/deals/3003/associations/companies/999', [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 341 }])).status).toBe(404);
    expect((await call(sim, 'DELETE', '/crm/v4/objects/deals/3003/associations/companies/1002')).status).toBe(204);
    const after = await call(sim, 'GET', '/crm/v4/objects/companies/1002/associations/deals');
    expect(after.body.results.map((r: { toObjectId: number }) => r.toObjectId)).toEqual([3002]);
  });

  it('batch creates and reads note↔company associations', async () => {
    const note = await call(sim, 'POST', '/crm/v3/objects/notes', { properties: { hs_note_body: 'n', hs_timestamp: '2026-01-05T00:00:00Z' } });
    const created = await call(sim, 'POST', '/crm/v4/associations/notes/companies/batch/create', {
      inputs: [{ from: { id: note.body.id }, to: { id: '1002' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 190 }] }],
    });
    expect(created.status).toBe(201);
    expect(created.body.results[0]).toMatchObject({ fromObjectTypeId: '0-46', toObjectTypeId: '0-2', toObjectId: 1002 });
    const read = await call(sim, 'POST', '/crm/v4/associations/companies/notes/batch/read', { inputs: [{ id: '1002' }, { id: '1003' }] });
    expect(read.status).toBe(207);
    expect(read.body.results).toEqual([{ from: { id: '1002' }, to: [{ toObjectId: Number(note.body.id), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 189, label: null }] }] }]);
    expect(read.body.numErrors).toBe(1);
  });
});
