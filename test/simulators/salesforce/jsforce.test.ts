/**
 * The official jsforce client, pointed at the simulator, must work unchanged: CRUD, upsert,
 * collections, query cursors, Composite and session refresh.
 */
import jsforce from 'jsforce';
import { startSalesforceSimulator, type RunningSalesforceSimulator } from '../../../src/simulators/salesforce/index.js';

let sim: RunningSalesforceSimulator;

beforeEach(async () => {
  sim = await startSalesforceSimulator({ seed: 42 });
});

afterEach(async () => {
  await sim.close();
});

function connect(): jsforce.Connection {
  return new jsforce.Connection({ instanceUrl: sim.url, accessToken: sim.issueAccessToken(), version: '66.0' });
}

describe('jsforce against the Salesforce simulator', () => {
  it('creates, retrieves, updates and destroys a record', async () => {
    const conn = connect();
    const created = await conn.sobject('Account').create({ Name: 'Umbrella Corp', Industry: 'Technology' });
    expect(created).toMatchObject({ success: true, errors: [] });
    expect(created.id).toMatch(/^001[a-zA-Z0-9]{15}$/);
    const id = created.id as string;

    const fetched = await conn.sobject('Account').retrieve(id);
    expect(fetched).toMatchObject({ Id: id, Name: 'Umbrella Corp', Industry: 'Technology', IsDeleted: false });
    expect(fetched.attributes).toEqual({ type: 'Account', url: `/services/data/v66.0/sobjects/Account/${id}` });

    const updated = await conn.sobject('Account').update({ Id: id, Industry: 'Banking' });
    expect(updated).toEqual({ id, success: true, errors: [] });
    const after = await conn.sobject('Account').retrieve(id);
    expect(after.Industry).toBe('Banking');
    expect(after.LastModifiedDate > fetched.LastModifiedDate).toBe(true);
    expect(after.CreatedDate).toBe(fetched.CreatedDate);

    expect(await conn.sobject('Account').destroy(id)).toEqual({ id, success: true, errors: [] });
    await expect(conn.sobject('Account').retrieve(id)).rejects.toMatchObject({ errorCode: 'ENTITY_IS_DELETED' });
  });

  it('upserts by external id: insert, then update, then 300 on several matches', async () => {
    const conn = connect();
    const first = await conn.sobject('Opportunity').upsert(
      { Quotey_Quote_Id__c: 'Q-7', Name: 'Seven', StageName: 'Prospecting', CloseDate: '2026-05-01', Amount: 700 },
      'Quotey_Quote_Id__c',
    );
    expect(first).toMatchObject({ success: true, created: true });
    const second = await conn.sobject('Opportunity').upsert({ Quotey_Quote_Id__c: 'Q-7', Amount: 770 }, 'Quotey_Quote_Id__c');
    expect(second).toEqual({ id: first.id, success: true, errors: [], created: false });
    const rec = await conn.sobject('Opportunity').retrieve(first.id as string);
    expect(rec.Amount).toBe(770);

    // The fixtures hold two versions of quote Q-1001.
    await expect(conn.sobject('Quote__c').upsert({ Quotey_Id__c: 'Q-1001', Total__c: 1 }, 'Quotey_Id__c')).rejects.toMatchObject({
      errorCode: 'MULTIPLE_CHOICES',
    });
  });

  it('creates several records in one collection call, all-or-none', async () => {
    const conn = connect();
    const results = await conn.sobject('Contact').create([
      { FirstName: 'Marie', LastName: 'Curie' },
      { FirstName: 'Pierre', LastName: 'Curie' },
      { LastName: 'Noether', Email: 'emmy@example.com' },
    ]);
    expect(results.map((r) => r.success)).toEqual([true, true, true]);
    const ids = results.map((r) => r.id as string);
    const back = await conn.query<{ Id: string; Name: string }>(`SELECT Id, Name FROM Contact WHERE LastName IN ('Curie', 'Noether') ORDER BY Name`);
    expect(back.records.map((r) => r.Name)).toEqual(['Marie Curie', 'Noether', 'Pierre Curie']);
    expect(new Set(back.records.map((r) => r.Id))).toEqual(new Set(ids));

    const rolledBack = await conn.sobject('Contact').create([{ LastName: 'Valid' }, { FirstName: 'No last name' }], { allOrNone: true });
    expect(rolledBack).toEqual([
      {
        success: false,
        errors: [
          {
            statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
            message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
            fields: [],
          },
        ],
      },
      { success: false, errors: [{ statusCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [LastName]', fields: ['LastName'] }] },
    ]);
    const count = await conn.query(`SELECT COUNT() FROM Contact WHERE LastName = 'Valid'`);
    expect(count.totalSize).toBe(0);
  });

  it('retrieves, updates and deletes several records through collections', async () => {
    const conn = connect();
    const saved = await conn.sobject('Account').create([{ Name: 'Multi 1' }, { Name: 'Multi 2' }]);
    const ids = saved.map((r) => r.id as string);
    const [first, second] = ids as [string, string];

    // Without `fields`, jsforce asks describe for the field list first.
    const fetched = await conn.sobject('Account').retrieve([second, first]);
    expect(fetched.map((r) => r?.Name)).toEqual(['Multi 2', 'Multi 1']);

    // A value of the wrong type fails the whole request, as deserialization does in Salesforce.
    await expect(
      conn.sobject('Account').update([
        { Id: first, Phone: '+1 555 0100' },
        { Id: second, NumberOfEmployees: 'many' },
      ]),
    ).rejects.toMatchObject({ errorCode: 'JSON_PARSER_ERROR' });
    expect((await conn.sobject('Account').retrieve(first)).Phone).toBeNull();

    const fine = await conn.sobject('Account').update(ids.map((Id) => ({ Id, Phone: '+1 555 0101' })));
    expect(fine).toEqual(ids.map((id) => ({ id, success: true, errors: [] })));

    const removed = await conn.sobject('Account').destroy(ids);
    expect(removed).toEqual(ids.map((id) => ({ id, success: true, errors: [] })));
    const again = await conn.sobject('Account').destroy(ids);
    // jsforce types this field as `errorCode`; on the wire, collections name it `statusCode`.
    expect(again.map((r) => (r.errors[0] as unknown as { statusCode: string }).statusCode)).toEqual(['ENTITY_IS_DELETED', 'ENTITY_IS_DELETED']);
  });

  it('follows nextRecordsUrl over more than two batches with autoFetch', async () => {
    const conn = connect();
    const inputs = Array.from({ length: 450 }, (_, i) => ({ Name: `Bulk ${String(i).padStart(3, '0')}` }));
    const saved = await conn.sobject('Account').create(inputs, { allowRecursive: true });
    expect(saved.filter((r) => r.success)).toHaveLength(450);

    const query = conn.query<{ Name: string }>(`SELECT Id, Name FROM Account WHERE Name LIKE 'Bulk %' ORDER BY Name`);
    let fetches = 0;
    query.on('fetch', () => (fetches += 1));
    const result = await query.execute({ autoFetch: true, maxFetch: 10_000, headers: { 'Sforce-Query-Options': 'batchSize=200' } });
    expect(fetches).toBe(3);
    expect(result.totalSize).toBe(450);
    expect(result.records.map((r) => r.Name)).toEqual(inputs.map((r) => r.Name));
    expect(result.done).toBe(true);
  });

  it('sends a Composite request with references through requestPost', async () => {
    const conn = connect();
    const res = await conn.requestPost<{ compositeResponse: Array<{ httpStatusCode: number; referenceId: string; body: any }> }>('/composite', {
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: '/services/data/v66.0/sobjects/Account', referenceId: 'NewAccount', body: { Name: 'Composite Co' } },
        {
          method: 'POST',
          url: '/services/data/v66.0/sobjects/Opportunity',
          referenceId: 'NewOpp',
          body: { Name: 'Composite deal', AccountId: '@{NewAccount.id}', StageName: 'Prospecting', CloseDate: '2026-06-30' },
        },
        { method: 'GET', url: '/services/data/v66.0/sobjects/Opportunity/@{NewOpp.id}?fields=AccountId,StageName', referenceId: 'ReadOpp' },
      ],
    });
    expect(res.compositeResponse.map((r) => [r.referenceId, r.httpStatusCode])).toEqual([
      ['NewAccount', 201],
      ['NewOpp', 201],
      ['ReadOpp', 200],
    ]);
    const accountId = res.compositeResponse[0]?.body.id;
    expect(res.compositeResponse[2]?.body).toMatchObject({ AccountId: accountId, StageName: 'Prospecting' });
    const limits = await conn.request<{ DailyApiRequests: { Max: number; Remaining: number } }>('/limits');
    // The composite call and this one: two calls, however many subrequests.
    expect(limits.DailyApiRequests).toEqual({ Max: 15000, Remaining: 14998 });
  });

  it('refreshes its session through the OAuth endpoint after tokens expire', async () => {
    const conn = new jsforce.Connection({
      oauth2: { clientId: sim.config.clientId, clientSecret: sim.config.clientSecret, loginUrl: sim.url, redirectUri: `${sim.url}/callback` },
      instanceUrl: sim.url,
      refreshToken: sim.config.refreshToken,
      version: '66.0',
    });
    const refreshed: string[] = [];
    conn.on('refresh', (token: string) => refreshed.push(token));

    // No access token yet: the first call gets a 401 and the client refreshes.
    const first = await conn.query(`SELECT Id FROM Account`);
    expect(first.totalSize).toBe(3);
    expect(refreshed).toHaveLength(1);
    expect(conn.userInfo).toMatchObject({ id: sim.config.userId, organizationId: sim.config.orgId });

    sim.setFaults({ expireTokens: true });
    const second = await conn.query(`SELECT Id FROM Contact`);
    expect(second.totalSize).toBe(3);
    expect(refreshed).toHaveLength(2);
    expect(refreshed[1]).not.toBe(refreshed[0]);
    expect(sim.kit.tokens.refreshCount).toBe(2);

    sim.setFaults({ expireTokens: false, revoked: true });
    await expect(conn.query(`SELECT Id FROM Contact`)).rejects.toThrow(/expired access\/refresh token/);
  });
});
