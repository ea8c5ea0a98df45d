import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningSimulator } from '../../../src/simulators/kit/server.js';
import { call, start } from './helpers.js';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('HubSpot CRM objects v3 over raw HTTP', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await start({ limits: { tenSecond: 100_000 } });
  });
  afterAll(() => sim.close());
  beforeEach(() => call(sim, 'POST', '/__admin/reset'));

  it('creates a contact (201) in the SimplePublicObject shape with string values', async () => {
    const res = await call(sim, 'POST', '/crm/v3/objects/contacts', { properties: { email: 'new@example.com', firstname: 'New', lastname: 'Person' }, associations: [] });
    expect(res.status).toBe(201);
    const c = res.body;
    expect(c.id).toMatch(/^\d+$/);
    expect(c.archived).toBe(false);
    expect(c.createdAt).toMatch(ISO);
    expect(c.updatedAt).toMatch(ISO);
    expect(c.properties).toMatchObject({ email: 'new@example.com', firstname: 'New', hs_object_id: c.id });
    expect(c.properties.createdate).toMatch(ISO);
    expect(c.properties.lastmodifieddate).toMatch(ISO);
    expect(c.properties).not.toHaveProperty('hs_lastmodifieddate');
    for (const v of Object.values(c.properties)) expect(typeof v).toBe('string');
  });

  it('reads with default properties, properties=, idProperty= and associations=', async () => {
    const def = await call(sim, 'GET', '/crm/v3/objects/contacts/2001');
    expect(Object.keys(def.body.properties).sort()).toEqual(['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname']);

    const some = await call(sim, 'GET', '/crm/v3/objects/contacts/2001?properties=company,lifecyclestage,jobtitle');
    expect(some.body.properties).toMatchObject({ company: 'Biglytics', lifecyclestage: 'customer', jobtitle: null, hs_object_id: '2001' });

    const byEmail = await call(sim, 'GET', '/crm/v3/objects/contacts/BCOOPER@biglytics.net?idProperty=email');
    expect(byEmail.body.id).toBe('2001');

    const withAssoc = await call(sim, 'GET', '/crm/v3/objects/deals/3001?associations=companies&associations=contacts');
    expect(withAssoc.body.associations.companies.results).toEqual(
      expect.arrayContaining([
        { id: '1001', type: 'deal_to_company' },
        { id: '1001', type: 'deal_to_company_unlabeled' },
      ]),
    );
    expect(withAssoc.body.associations.contacts.results).toEqual([{ id: '2001', type: 'deal_to_contact' }]);
  });

  it('accepts object type ids in place of names', async () => {
    const byId = await call(sim, 'GET', '/crm/v3/objects/0-3/3002');
    expect(byId.status).toBe(200);
    expect(byId.body.properties.dealname).toBe('Smalllytics pilot');
    expect((await call(sim, 'GET', '/crm/v3/objects/0-2/1001')).body.properties.name).toBe('Biglytics');
    expect((await call(sim, 'GET', '/crm/v3/objects/0-1/2002')).body.properties.firstname).toBe('Ada');
  });

  it('PATCH updates (200), clears with "", and DELETE archives (204)', async () => {
    const before = await call(sim, 'GET', '/crm/v3/objects/companies/1002?properties=city');
    const patched = await call(sim, 'PATCH', '/crm/v3/objects/companies/1002', { properties: { city: '', numberofemployees: 9 } });
    expect(patched.status).toBe(200);
    expect(patched.body.properties.numberofemployees).toBe('9');
    expect(patched.body.properties.city).toBeNull();
    expect(Date.parse(patched.body.properties.hs_lastmodifieddate)).toBeGreaterThan(Date.parse(before.body.properties.hs_lastmodifieddate));

    const del = await call(sim, 'DELETE', '/crm/v3/objects/companies/1002');
    expect(del.status).toBe(204);
    expect((await call(sim, 'GET', '/crm/v3/objects/companies/1002')).status).toBe(404);
    const archived = await call(sim, 'GET', '/crm/v3/objects/companies/1002?archived=true');
    expect(archived.body).toMatchObject({ id: '1002', archived: true });
    expect(archived.body.archivedAt).toMatch(ISO);
  });

  it('lists with limit/after, an opaque cursor, and no paging on the last page', async () => {
    const ids: string[] = [];
    let path = '/crm/v3/objects/contacts?limit=2';
    let pages = 0;
    for (;;) {
      const res = await call(sim, 'GET', path);
      pages++;
      ids.push(...res.body.results.map((r: { id: string }) => r.id));
      if (!res.body.paging) break;
      const after = res.body.paging.next.after as string;
      expect(after).not.toMatch(/^\d+$/);
      expect(res.body.paging.next.link).toContain(`after=${after}`);
      path = `/crm/v3/objects/contacts?limit=2&after=${encodeURIComponent(after)}`;
    }
    expect(pages).toBe(3);
    expect(ids).toEqual(['2001', '2002', '2003', '2004', '2005']);
    expect((await call(sim, 'GET', '/crm/v3/objects/contacts?after=!!garbage')).status).toBe(400);
  });

  it('rejects unknown properties with the VALIDATION_ERROR body naming them', async () => {
    const res = await call(sim, 'POST', '/crm/v3/objects/deals', { properties: { dealname: 'x', favourite_colour: 'blue' } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    expect(res.body.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.message).toMatch(/^Property values were not valid: \[/);
    const embedded = JSON.parse(res.body.message.slice('Property values were not valid: '.length));
    expect(embedded).toEqual([{ isValid: false, message: 'Property "favourite_colour" does not exist', error: 'PROPERTY_DOESNT_EXIST', name: 'favourite_colour' }]);
    expect(res.body.errors).toEqual([{ message: 'Property "favourite_colour" does not exist', code: 'PROPERTY_DOESNT_EXIST', context: { propertyName: ['favourite_colour'] } }]);

    const badOption = await call(sim, 'PATCH', '/crm/v3/objects/deals/3001', { properties: { dealstage: 'not-a-stage' } });
    expect(badOption.status).toBe(400);
    expect(badOption.body.errors[0].code).toBe('INVALID_OPTION');
    const readOnly = await call(sim, 'PATCH', '/crm/v3/objects/deals/3001', { properties: { hs_lastmodifieddate: '0' } });
    expect(readOnly.body.errors[0].code).toBe('READ_ONLY_VALUE');
  });

  it('answers 404 and 409 in the HubSpot error shape', async () => {
    const missing = await call(sim, 'GET', '/crm/v3/objects/deals/999999');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND' });
    const dup = await call(sim, 'POST', '/crm/v3/objects/contacts', { properties: { email: 'BCooper@biglytics.net' } });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ status: 'error', category: 'CONFLICT', message: 'Contact already exists. Existing ID: 2001' });
    const badJson = await fetch(`${sim.url}/crm/v3/objects/deals`, { method: 'POST', headers: { authorization: `Bearer ${(await import('./helpers.js')).TOKEN}`, 'content-type': 'application/json' }, body: '{nope' });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ category: 'VALIDATION_ERROR' });
  });

  it('lists and creates properties; a new property is writable at once', async () => {
    const list = await call(sim, 'GET', '/crm/v3/properties/companies');
    const names = list.body.results.map((p: { name: string }) => p.name);
    expect(names).toEqual(expect.arrayContaining(['name', 'domain', 'hs_lastmodifieddate', 'hs_object_id']));
    const created = await call(sim, 'POST', '/crm/v3/properties/companies', { name: 'tier', label: 'Tier', type: 'enumeration', fieldType: 'select', groupName: 'companyinformation', options: [{ label: 'Gold', value: 'gold' }] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'tier', type: 'enumeration', options: [{ value: 'gold' }] });
    expect((await call(sim, 'POST', '/crm/v3/properties/companies', created.body)).status).toBe(409);
    expect((await call(sim, 'PATCH', '/crm/v3/objects/companies/1001', { properties: { tier: 'gold' } })).body.properties.tier).toBe('gold');
    expect((await call(sim, 'PATCH', '/crm/v3/objects/companies/1001', { properties: { tier: 'silver' } })).status).toBe(400);
    // Custom properties are gone after a reset.
    await call(sim, 'POST', '/__admin/reset');
    expect((await call(sim, 'GET', '/crm/v3/properties/companies/tier')).status).toBe(404);
  });

  it('serves notes and notes↔company associations given at creation', async () => {
    const note = await call(sim, 'POST', '/crm/v3/objects/notes', {
      properties: { hs_note_body: 'Called them', hs_timestamp: '1767261600000' },
      associations: [{ to: { id: '1003' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 190 }] }],
    });
    expect(note.status).toBe(201);
    expect(note.body.properties.hs_timestamp).toBe('2026-01-01T10:00:00.000Z');
    const back = await call(sim, 'GET', `/crm/v4/objects/companies/1003/associations/notes`);
    expect(back.body.results).toEqual([{ toObjectId: Number(note.body.id), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 189, label: null }] }]);
  });

  it('writes datetimes as epoch-ms strings when configured so', async () => {
    const epoch = await start({ datetimeFormat: 'epoch-ms' });
    try {
      const res = await call(epoch, 'GET', '/crm/v3/objects/deals/3001');
      expect(res.body.properties.closedate).toBe(String(Date.parse('2026-03-31T00:00:00.000Z')));
      expect(res.body.properties.createdate).toMatch(/^\d{13}$/);
    } finally {
      await epoch.close();
    }
  });

  it('reports state, resets deterministically, and loads a fixtures dir', async () => {
    const state = await call(sim, 'GET', '/__admin/state', undefined, null);
    expect(state.body.counts).toEqual({ contacts: { active: 5, archived: 0 }, companies: { active: 3, archived: 0 }, deals: { active: 3, archived: 0 }, notes: { active: 1, archived: 0 }, tasks: { active: 0, archived: 0 } });
    const first = await call(sim, 'POST', '/crm/v3/objects/companies', { properties: { name: 'A' } });
    await call(sim, 'POST', '/__admin/reset');
    const again = await call(sim, 'POST', '/crm/v3/objects/companies', { properties: { name: 'A' } });
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.createdAt).toBe(first.body.createdAt);

    const dir = mkdtempSync(join(tmpdir(), 'hs-fixtures-'));
    writeFileSync(join(dir, 'companies.json'), JSON.stringify([{ id: '77', properties: { name: 'Only Co' } }]));
    writeFileSync(join(dir, 'deals.json'), JSON.stringify([{ id: '88', properties: { dealname: 'Only deal' }, associations: [{ toObjectType: 'companies', toId: '77' }] }]));
    const custom = await start({ fixturesDir: dir });
    try {
      const s = await call(custom, 'GET', '/__admin/state', undefined, null);
      expect(s.body.counts.companies.active).toBe(1);
      expect(s.body.counts.contacts.active).toBe(0);
      const rec = await call(custom, 'GET', '/__admin/records/deals/88', undefined, null);
      expect(rec.body.associations.companies).toEqual([{ id: '77', typeIds: [341] }]);
    } finally {
      await custom.close();
    }
  });
});
