/**
 * Composite over raw HTTP: references between subrequests, all-or-none rollback, limits.
 */
import { startSalesforceSimulator, type RunningSalesforceSimulator } from '../../../src/simulators/salesforce/index.js';
import { rawClient, type RawClient } from './rawClient.js';

let sim: RunningSalesforceSimulator;
let api: RawClient;

beforeEach(async () => {
  sim = await startSalesforceSimulator({ seed: 5 });
  api = rawClient(sim);
});

afterEach(async () => {
  await sim.close();
});

const V = '/services/data/v66.0';

describe('Salesforce Composite', () => {
  it('resolves @{ref.id}, @{ref.Field} and @{ref.records[0].Id} between subrequests', async () => {
    const res = await api.call('POST', 'composite', {
      allOrNone: false,
      compositeRequest: [
        { method: 'GET', url: `${V}/query?q=SELECT+Id,Name+FROM+Account+WHERE+Name='Globex'`, referenceId: 'Find' },
        { method: 'GET', url: `${V}/sobjects/Account/@{Find.records[0].Id}?fields=Name,Industry`, referenceId: 'Acc' },
        {
          method: 'POST',
          url: `${V}/sobjects/Opportunity`,
          referenceId: 'Opp',
          body: { Name: '@{Acc.Name} - renewal', AccountId: '@{Acc.Id}', StageName: 'Prospecting', CloseDate: '2026-09-30', Amount: 900 },
        },
        { method: 'PATCH', url: `${V}/sobjects/Opportunity/@{Opp.id}`, referenceId: 'Bump', body: { StageName: 'Qualification' } },
        { method: 'GET', url: `${V}/sobjects/Opportunity/@{Opp.id}?fields=Name,AccountId,StageName`, referenceId: 'Read' },
      ],
    });
    expect(res.status).toBe(200);
    const items = res.body.compositeResponse;
    expect(items.map((i: { httpStatusCode: number }) => i.httpStatusCode)).toEqual([200, 200, 201, 204, 200]);
    expect(items[3]).toEqual({ body: null, httpHeaders: {}, httpStatusCode: 204, referenceId: 'Bump' });
    expect(items[2].httpHeaders.Location).toBe(`${V}/sobjects/Opportunity/${items[2].body.id}`);
    expect(items[4].body).toMatchObject({ Name: 'Globex - renewal', AccountId: items[0].body.records[0].Id, StageName: 'Qualification' });
    expect(res.headers.get('sforce-limit-info')).toBe('api-usage=1/15000');
  });

  it('rolls everything back on the first failure when allOrNone is true', async () => {
    const res = await api.call('POST', 'composite', {
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: `${V}/sobjects/Account`, referenceId: 'A', body: { Name: 'Rolled back Inc' } },
        { method: 'POST', url: `${V}/sobjects/Contact`, referenceId: 'C', body: { FirstName: 'No', AccountId: '@{A.id}' } },
        { method: 'POST', url: `${V}/sobjects/Account`, referenceId: 'B', body: { Name: 'Never made' } },
      ],
    });
    const halted = [{ errorCode: 'PROCESSING_HALTED', message: 'The transaction was rolled back since another operation in the same transaction failed.' }];
    expect(res.body.compositeResponse).toEqual([
      { body: halted.map((h) => ({ message: h.message, errorCode: h.errorCode })), httpHeaders: {}, httpStatusCode: 400, referenceId: 'A' },
      {
        body: [{ message: 'Required fields are missing: [LastName]', errorCode: 'REQUIRED_FIELD_MISSING', fields: ['LastName'] }],
        httpHeaders: {},
        httpStatusCode: 400,
        referenceId: 'C',
      },
      { body: halted.map((h) => ({ message: h.message, errorCode: h.errorCode })), httpHeaders: {}, httpStatusCode: 400, referenceId: 'B' },
    ]);
    const count = await api.query(`SELECT COUNT() FROM Account WHERE Name IN ('Rolled back Inc', 'Never made')`);
    expect(count.body.totalSize).toBe(0);
  });

  it('keeps independent successes when allOrNone is false and halts only dependents', async () => {
    const res = await api.call('POST', 'composite', {
      compositeRequest: [
        { method: 'POST', url: `${V}/sobjects/Account`, referenceId: 'Bad', body: { Industry: 'Banking' } },
        { method: 'POST', url: `${V}/sobjects/Contact`, referenceId: 'Dependent', body: { LastName: 'X', AccountId: '@{Bad.id}' } },
        { method: 'POST', url: `${V}/sobjects/Account`, referenceId: 'Good', body: { Name: 'Kept Ltd' } },
      ],
    });
    const [bad, dependent, good] = res.body.compositeResponse;
    expect(bad.body[0].errorCode).toBe('REQUIRED_FIELD_MISSING');
    expect(dependent.httpStatusCode).toBe(400);
    expect(dependent.body[0].errorCode).toBe('PROCESSING_HALTED');
    expect(dependent.body[0].message).toContain('Bad.id');
    expect(good.httpStatusCode).toBe(201);
    expect((await api.call('GET', `sobjects/Account/${good.body.id}`)).body.Name).toBe('Kept Ltd');
  });

  it('refuses more than 25 subrequests and more than 5 queries', async () => {
    const many = Array.from({ length: 26 }, (_, i) => ({ method: 'GET', url: `${V}/limits`, referenceId: `L${i}` }));
    const tooMany = await api.call('POST', 'composite', { compositeRequest: many });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body[0].message).toContain('25');
    const queries = Array.from({ length: 6 }, (_, i) => ({ method: 'GET', url: `${V}/query?q=SELECT+Id+FROM+Account`, referenceId: `Q${i}` }));
    expect((await api.call('POST', 'composite', { compositeRequest: queries })).status).toBe(400);
  });
});
