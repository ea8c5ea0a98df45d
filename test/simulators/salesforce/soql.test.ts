/**
 * SOQL as an incremental poller uses it: SystemModstamp windows, ordering, batches and cursors,
 * with the audit fields maintained on every write.
 */
import { startSalesforceSimulator, type RunningSalesforceSimulator } from '../../../src/simulators/salesforce/index.js';
import { rawClient, type RawClient } from './rawClient.js';

let sim: RunningSalesforceSimulator;
let api: RawClient;

beforeEach(async () => {
  sim = await startSalesforceSimulator({ seed: 9 });
  api = rawClient(sim);
});

afterEach(async () => {
  await sim.close();
});

async function admin(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${sim.url}/__admin/${path}`, {
    method,
    ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  return res.status === 204 ? undefined : res.json();
}

type Row = { Id: string; Name: string; SystemModstamp: string; LastModifiedDate: string; LastModifiedById: string };

describe('Salesforce SOQL', () => {
  it('returns exactly the records changed after a SystemModstamp cursor, in order', async () => {
    const initial = await api.query(`SELECT Id, SystemModstamp FROM Account ORDER BY SystemModstamp DESC LIMIT 1`);
    const cursor: string = initial.body.records[0].SystemModstamp;
    expect(cursor).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000\+0000$/);
    const literal = cursor.replace('+0000', 'Z');

    const a = await api.call('POST', 'sobjects/Account', { Name: 'Poll A' });
    const edited = (await api.query(`SELECT Id FROM Account WHERE Name = 'Globex'`)).body.records[0].Id;
    await admin('PATCH', `records/Account/${edited}`, { Industry: 'Technology' });
    const b = await api.call('POST', 'sobjects/Account', { Name: 'Poll B' });

    const poll = await api.query(`SELECT Id, Name, SystemModstamp, LastModifiedDate, LastModifiedById FROM Account WHERE SystemModstamp > ${literal} ORDER BY SystemModstamp ASC`);
    const rows: Row[] = poll.body.records;
    expect(rows.map((r) => r.Id)).toEqual([a.body.id, edited, b.body.id]);
    expect(rows.map((r) => r.LastModifiedById)).toEqual([sim.config.userId, sim.config.uiUserId, sim.config.userId]);
    const stamps = rows.map((r) => r.SystemModstamp);
    expect([...stamps].sort()).toEqual(stamps);
    expect(new Set(stamps).size).toBe(3);
    for (const r of rows) expect(r.LastModifiedDate).toBe(r.SystemModstamp);

    const next = stamps[2]?.replace('+0000', 'Z');
    expect((await api.query(`SELECT Id FROM Account WHERE SystemModstamp > ${next}`)).body).toEqual({ totalSize: 0, done: true, records: [] });
  });

  it('moves only SystemModstamp on a system change, and stamps a collection write once', async () => {
    const id = (await api.query(`SELECT Id FROM Account WHERE Name = 'Initech'`)).body.records[0].Id;
    const before = (await api.call('GET', `sobjects/Account/${id}`)).body;
    const after = await admin('PATCH', `records/Account/${id}?system=true`, { NumberOfEmployees: 5 });
    expect(after.LastModifiedDate).toBe(before.LastModifiedDate);
    expect(after.SystemModstamp > before.SystemModstamp).toBe(true);

    const batch = await api.call('POST', 'composite/sobjects', {
      allOrNone: false,
      records: [1, 2, 3].map((n) => ({ attributes: { type: 'Contact' }, LastName: `Batch ${n}` })),
    });
    const ids = batch.body.map((r: { id: string }) => `'${r.id}'`).join(',');
    const rows = (await api.query(`SELECT SystemModstamp, CreatedDate FROM Contact WHERE Id IN (${ids})`)).body.records;
    expect(new Set(rows.map((r: Row) => r.SystemModstamp)).size).toBe(1);
  });

  it('filters with AND/OR, IN, LIKE, null, numbers and dates', async () => {
    const names = async (soql: string): Promise<string[]> => (await api.query(soql)).body.records.map((r: { Name: string }) => r.Name);
    expect(await names(`SELECT Name FROM Account WHERE (Industry = 'technology' OR Industry = 'Banking') AND NumberOfEmployees != null ORDER BY Name`)).toEqual([
      'Acme Corporation',
    ]);
    expect(await names(`SELECT Name FROM Account WHERE Website = null`)).toEqual(['Initech']);
    expect(await names(`SELECT Name FROM Account WHERE NOT Name LIKE 'G%' ORDER BY NumberOfEmployees DESC NULLS LAST`)).toEqual(['Acme Corporation', 'Initech']);
    expect(await names(`SELECT Name FROM Opportunity WHERE CloseDate < 2026-03-01 AND Amount >= 10000`)).toEqual(['Globex - Expansion']);
    expect(await names(`SELECT Name FROM Account WHERE Name NOT IN ('Globex', 'Initech')`)).toEqual(['Acme Corporation']);
    expect(await names(`select name from account order by name desc limit 2 offset 1`)).toEqual(['Globex', 'Acme Corporation']);
  });

  it('reads and filters through one parent relationship', async () => {
    const res = await api.query(`SELECT Name, Account.Name, AccountId, Account.Industry FROM Contact WHERE Account.Name LIKE 'acme%' ORDER BY Name`);
    expect(res.status).toBe(200);
    const acme = (await api.query(`SELECT Id FROM Account WHERE Name = 'Acme Corporation'`)).body.records[0].Id;
    expect(res.body.records.map(({ attributes: _a, ...rest }: Record<string, unknown>) => rest)).toEqual([
      { Name: 'Ada Lovelace', Account: { attributes: { type: 'Account', url: `/services/data/v66.0/sobjects/Account/${acme}` }, Name: 'Acme Corporation', Industry: 'Technology' }, AccountId: acme },
      { Name: 'Alan Turing', Account: { attributes: { type: 'Account', url: `/services/data/v66.0/sobjects/Account/${acme}` }, Name: 'Acme Corporation', Industry: 'Technology' }, AccountId: acme },
    ]);
    const quotes = await api.query(`SELECT Name, Opportunity__r.StageName FROM Quote__c ORDER BY Name LIMIT 1`);
    expect(quotes.body.records[0].Opportunity__r.StageName).toBe('Proposal/Price Quote');
    const bad = await api.query(`SELECT Id, Acount.Name FROM Contact`);
    expect(bad.body[0].errorCode).toBe('INVALID_FIELD');
    expect(bad.body[0].message).toContain("Didn't understand relationship 'Acount' in field path.");
  });

  it('serves batches through nextRecordsUrl and rejects a stale locator', async () => {
    const records = Array.from({ length: 200 }, (_, i) => ({ attributes: { type: 'Contact' }, LastName: `Row ${String(i).padStart(3, '0')}` }));
    await api.call('POST', 'composite/sobjects', { records });
    await api.call('POST', 'composite/sobjects', { records: records.map((r) => ({ ...r, LastName: `${r.LastName}b` })) });
    const soql = `SELECT LastName FROM Contact WHERE LastName LIKE 'Row %' ORDER BY LastName`;
    const first = await api.query(soql, { 'Sforce-Query-Options': 'batchSize=250' });
    expect(first.body).toMatchObject({ totalSize: 400, done: false });
    expect(first.body.records).toHaveLength(250);
    expect(first.body.nextRecordsUrl).toMatch(/^\/services\/data\/v66\.0\/query\/01g[A-Za-z0-9]{15}-250$/);

    // Records written after the query ran are not part of its cursor.
    await api.call('POST', 'sobjects/Contact', { LastName: 'Row 000a' });
    const second = await api.call('GET', first.body.nextRecordsUrl);
    expect(second.body).toMatchObject({ totalSize: 400, done: true });
    expect(second.body.nextRecordsUrl).toBeUndefined();
    expect(second.body.records).toHaveLength(150);
    expect(second.body.records.at(-1).LastName).toBe('Row 199b');

    const stale = await api.call('GET', first.body.nextRecordsUrl);
    expect(stale.status).toBe(400);
    expect(stale.body).toEqual([{ message: 'invalid query locator', errorCode: 'INVALID_QUERY_LOCATOR' }]);
  });

  it('includes deleted rows only in queryAll and lists them under /deleted', async () => {
    const created = await api.call('POST', 'sobjects/Account', { Name: 'Deleted Co' });
    await api.call('DELETE', `sobjects/Account/${created.body.id}`);
    expect((await api.query(`SELECT Id FROM Account WHERE Name = 'Deleted Co'`)).body.totalSize).toBe(0);
    const all = await api.call('GET', `queryAll?q=${encodeURIComponent(`SELECT Id, IsDeleted FROM Account WHERE Name = 'Deleted Co'`)}`);
    expect(all.body.records).toMatchObject([{ Id: created.body.id, IsDeleted: true }]);
    const window = `start=${encodeURIComponent('2026-01-01T00:00:00Z')}&end=${encodeURIComponent('2030-01-01T00:00:00Z')}`;
    const deleted = await api.call('GET', `sobjects/Account/deleted/?${window}`);
    expect(deleted.body.deletedRecords).toEqual([{ id: created.body.id, deletedDate: expect.stringMatching(/^2026-/) }]);
    const updated = await api.call('GET', `sobjects/Account/updated/?${window}`);
    expect(updated.body.ids).toEqual([]);
  });
});
