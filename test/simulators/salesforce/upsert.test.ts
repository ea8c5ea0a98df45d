/**
 * Upsert by external id over raw HTTP, single and in collections.
 */
import { startSalesforceSimulator, type RunningSalesforceSimulator } from '../../../src/simulators/salesforce/index.js';
import { rawClient, type RawClient } from './rawClient.js';

let sim: RunningSalesforceSimulator;
let api: RawClient;

beforeEach(async () => {
  sim = await startSalesforceSimulator({ seed: 11 });
  api = rawClient(sim);
});

afterEach(async () => {
  await sim.close();
});

describe('Salesforce upsert by external id', () => {
  it('answers 300 with the URL of every matching record', async () => {
    const quotes = await api.query(`SELECT Id FROM Quote__c WHERE Quotey_Id__c = 'Q-1001' ORDER BY Quotey_Version__c`);
    const ids: string[] = quotes.body.records.map((r: { Id: string }) => r.Id);
    expect(ids).toHaveLength(2);
    const res = await api.call('PATCH', 'sobjects/Quote__c/Quotey_Id__c/Q-1001', { Total__c: 1 });
    expect(res.status).toBe(300);
    expect(res.body).toEqual(ids.map((id) => `/services/data/v66.0/sobjects/Quote__c/${id}`));
    const untouched = await api.call('GET', `sobjects/Quote__c/${ids[0]}?fields=Total__c`);
    expect(untouched.body.Total__c).toBe(45000);
  });

  it('inserts with 201, updates with 200, and matches text case-insensitively', async () => {
    const inserted = await api.call('PATCH', 'sobjects/Quote__c/Quotey_Id__c/Q-2001', { Total__c: 10, Status__c: 'Draft' });
    expect(inserted.status).toBe(201);
    expect(inserted.body).toEqual({ id: expect.stringMatching(/^a0Q/), success: true, errors: [], created: true });
    expect(inserted.headers.get('location')).toBe(`/services/data/v66.0/sobjects/Quote__c/${inserted.body.id}`);

    const updated = await api.call('PATCH', 'sobjects/Quote__c/quotey_id__c/q-2001', { Total__c: 20 });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({ id: inserted.body.id, success: true, errors: [], created: false });
    const rec = await api.call('GET', `sobjects/Quote__c/Quotey_Id__c/Q-2001`);
    expect(rec.body).toMatchObject({ Id: inserted.body.id, Quotey_Id__c: 'Q-2001', Total__c: 20, Status__c: 'Draft', Name: 'QT-0003' });
  });

  it('matches numeric external ids by value', async () => {
    const res = await api.call('PATCH', 'sobjects/Quote__c/Quotey_Version__c/2', { Status__c: 'Accepted' });
    expect(res.status).toBe(200);
    const rec = await api.call('GET', `sobjects/Quote__c/${res.body.id}`);
    expect(rec.body).toMatchObject({ Quotey_Version__c: 2, Status__c: 'Accepted' });
  });

  it('rejects unknown external id fields, the field in the body, and honours updateOnly', async () => {
    expect(await api.call('PATCH', 'sobjects/Quote__c/Total__c/5', { Status__c: 'Sent' })).toMatchObject({
      status: 404,
      body: [{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }],
    });
    const inBody = await api.call('PATCH', 'sobjects/Quote__c/Quotey_Id__c/Q-3000', { Quotey_Id__c: 'Q-3000', Total__c: 1 });
    expect(inBody.status).toBe(400);
    expect(inBody.body[0]).toMatchObject({ errorCode: 'INVALID_FIELD', fields: ['Quotey_Id__c'] });
    expect((await api.call('PATCH', 'sobjects/Quote__c/Quotey_Id__c/Q-3000?updateOnly=true', { Total__c: 1 })).status).toBe(404);
    expect((await api.query(`SELECT COUNT() FROM Quote__c WHERE Quotey_Id__c = 'Q-3000'`)).body.totalSize).toBe(0);
  });

  it('upserts a collection, reporting created per record and duplicates per record', async () => {
    const res = await api.call('PATCH', 'composite/sobjects/Quote__c/Quotey_Id__c', {
      allOrNone: false,
      records: [
        { attributes: { type: 'Quote__c' }, Quotey_Id__c: 'Q-5000', Total__c: 5 },
        { attributes: { type: 'Quote__c' }, Quotey_Id__c: 'Q-1001', Total__c: 6 },
        { attributes: { type: 'Quote__c' }, Quotey_Id__c: 'Q-5001', Total__c: 7 },
        { attributes: { type: 'Quote__c' }, Quotey_Id__c: 'q-5001', Total__c: 8 },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body[0]).toEqual({ id: expect.any(String), success: true, errors: [], created: true });
    expect(res.body[1].success).toBe(false);
    expect(res.body[1].errors[0]).toMatchObject({ statusCode: 'DUPLICATE_EXTERNAL_ID', fields: ['Quotey_Id__c'] });
    expect(res.body[1].errors[0].message).toMatch(/^Quotey_Id__c: more than one record found for external id field: \[a0Q/);
    expect(res.body.slice(2).map((r: { errors: Array<{ statusCode: string }> }) => r.errors[0]?.statusCode)).toEqual(['DUPLICATE_EXTERNAL_ID', 'DUPLICATE_EXTERNAL_ID']);

    const again = await api.call('PATCH', 'composite/sobjects/Quote__c/Quotey_Id__c', {
      allOrNone: false,
      records: [{ attributes: { type: 'Quote__c' }, Quotey_Id__c: 'Q-5000', Total__c: 9 }],
    });
    expect(again.body).toEqual([{ id: res.body[0].id, success: true, errors: [], created: false }]);
    const rec = await api.call('GET', `sobjects/Quote__c/${res.body[0].id}?fields=Total__c`);
    expect(rec.body.Total__c).toBe(9);
  });

  it('sets a lookup through the parent external id', async () => {
    const res = await api.call('POST', 'sobjects/Quote__c', { Opportunity__r: { Quotey_Quote_Id__c: 'Q-1001' }, Quotey_Id__c: 'Q-6000' });
    expect(res.status).toBe(201);
    const opp = await api.query(`SELECT Id FROM Opportunity WHERE Quotey_Quote_Id__c = 'Q-1001'`);
    const rec = await api.call('GET', `sobjects/Quote__c/${res.body.id}?fields=Opportunity__c`);
    expect(rec.body.Opportunity__c).toBe(opp.body.records[0].Id);
  });
});
