/**
 * Every failure answers with Salesforce's JSON error array, with the codes clients branch on.
 */
import { startSalesforceSimulator, type RunningSalesforceSimulator } from '../../../src/simulators/salesforce/index.js';
import { rawClient, type RawClient } from './rawClient.js';

let sim: RunningSalesforceSimulator;
let api: RawClient;

beforeEach(async () => {
  sim = await startSalesforceSimulator({ seed: 3 });
  api = rawClient(sim);
});

afterEach(async () => {
  await sim.close();
});

describe('Salesforce error arrays', () => {
  it('rejects unknown, read-only and missing required fields', async () => {
    const unknown = await api.call('POST', 'sobjects/Account', { Name: 'X', Foo__c: 1 });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual([{ message: "No such column 'Foo__c' on sobject of type Account", errorCode: 'INVALID_FIELD' }]);

    const readOnly = await api.call('POST', 'sobjects/Account', { Name: 'X', CreatedDate: '2020-01-01T00:00:00Z' });
    expect(readOnly.status).toBe(400);
    expect(readOnly.body).toEqual([
      {
        message:
          'Unable to create/update fields: CreatedDate. Please check the security settings of this field and verify that it is read/write for your profile or permission set.',
        errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
        fields: ['CreatedDate'],
      },
    ]);

    const missing = await api.call('POST', 'sobjects/Opportunity', { Name: 'No stage' });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual([
      { message: 'Required fields are missing: [StageName, CloseDate]', errorCode: 'REQUIRED_FIELD_MISSING', fields: ['StageName', 'CloseDate'] },
    ]);

    const badType = await api.call('POST', 'sobjects/Opportunity', { Name: 'N', StageName: 'Prospecting', CloseDate: '2026-02-30' });
    expect(badType.status).toBe(400);
    expect(badType.body[0].errorCode).toBe('JSON_PARSER_ERROR');
  });

  it('reports DUPLICATE_VALUE for a unique field, naming the existing record', async () => {
    const existing = await api.query(`SELECT Id FROM Opportunity WHERE Quotey_Quote_Id__c = 'Q-1001'`);
    const existingId = existing.body.records[0].Id;
    const dup = await api.call('POST', 'sobjects/Opportunity', { Name: 'Dup', StageName: 'Prospecting', CloseDate: '2026-01-31', Quotey_Quote_Id__c: 'q-1001' });
    expect(dup.status).toBe(400);
    expect(dup.body).toEqual([
      { message: `duplicate value found: Quotey_Quote_Id__c duplicates value on record with id: ${existingId}`, errorCode: 'DUPLICATE_VALUE', fields: [] },
    ]);
  });

  it('answers NOT_FOUND for unknown objects, ids and versions, and 405 for a wrong method', async () => {
    expect(await api.call('GET', 'sobjects/Nope__c/describe')).toMatchObject({
      status: 404,
      body: [{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }],
    });
    expect(await api.call('GET', 'sobjects/Account/001000000000000AAA')).toMatchObject({
      status: 404,
      body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }],
    });
    expect(await api.call('GET', 'sobjects/Account/not-an-id')).toMatchObject({
      status: 404,
      body: [{ errorCode: 'NOT_FOUND', message: 'Provided external ID field does not exist or is not accessible: not-an-id' }],
    });
    expect((await api.call('GET', '/services/data/v50.0/limits')).status).toBe(404);
    expect(await api.call('PUT', 'sobjects/Account', {})).toMatchObject({
      status: 405,
      body: [{ errorCode: 'METHOD_NOT_ALLOWED', message: "HTTP Method 'PUT' not allowed. Allowed are GET,POST" }],
    });
  });

  it('answers 401 INVALID_SESSION_ID for a missing or unknown token', async () => {
    for (const authorization of [undefined, 'Bearer 00Dfake!token']) {
      const res = await fetch(`${sim.url}/services/data/v66.0/sobjects`, { headers: authorization ? { authorization } : {} });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    }
  });

  it('pins SOQL errors with the caret line, row and column', async () => {
    const quoted = await api.query(`SELECT Id FROM Account WHERE SystemModstamp > '2026-01-01T00:00:00Z'`);
    expect(quoted.status).toBe(400);
    expect(quoted.body).toEqual([
      {
        message:
          "\nSELECT Id FROM Account WHERE SystemModstamp > '2026-01-01T00:00:00Z'\n                                              ^\nERROR at Row:1:Column:47\nvalue of filter criterion for field 'SystemModstamp' must be of type dateTime and should not be enclosed in quotes",
        errorCode: 'INVALID_FIELD',
      },
    ]);
    const malformed = await api.query(`SELECT Id FROM Account WHERE Name = 'a' AND Name = 'b' OR Name = 'c'`);
    expect(malformed.body[0].errorCode).toBe('MALFORMED_QUERY');
    expect(malformed.body[0].message).toContain("ERROR at Row:1:Column:56\nunexpected token: 'OR'");
    const unknownObject = await api.query(`SELECT Id FROM Invoice__c`);
    expect(unknownObject.body[0]).toMatchObject({ errorCode: 'INVALID_TYPE' });
    expect(unknownObject.body[0].message).toContain("sObject type 'Invoice__c' is not supported.");
    const empty = await api.call('GET', 'query?q=');
    expect(empty.body).toEqual([{ message: 'A query string has to be specified', errorCode: 'MALFORMED_QUERY' }]);
  });

  it('answers injected 5xx and rate-limit faults as error arrays', async () => {
    sim.scriptFault({ kind: 'server_error', count: 1, status: 503, pathContains: '/sobjects' });
    sim.scriptFault({ kind: 'server_error', count: 1, status: 500, pathContains: '/sobjects' });
    sim.scriptFault({ kind: 'rate_limit', count: 1, pathContains: '/sobjects' });
    const unavailable = await api.call('GET', 'sobjects');
    expect(unavailable.status).toBe(503);
    expect(unavailable.body).toEqual([{ errorCode: 'SERVER_UNAVAILABLE', message: 'Server temporarily unavailable. Please try again later.' }]);
    const internal = await api.call('GET', 'sobjects');
    expect(internal.status).toBe(500);
    expect(internal.body[0].errorCode).toBe('UNKNOWN_EXCEPTION');
    const limited = await api.call('GET', 'sobjects');
    expect(limited.status).toBe(403);
    expect(limited.body).toEqual([{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);
    expect((await api.call('GET', 'sobjects')).status).toBe(200);
  });

  it('reports ENTITY_IS_DELETED for a deleted record', async () => {
    const created = await api.call('POST', 'sobjects/Account', { Name: 'Short-lived' });
    expect((await api.call('DELETE', `sobjects/Account/${created.body.id}`)).status).toBe(204);
    const gone = await api.call('GET', `sobjects/Account/${created.body.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual([{ message: 'entity is deleted', errorCode: 'ENTITY_IS_DELETED', fields: [] }]);
    expect((await api.call('PATCH', `sobjects/Account/${created.body.id}`, { Name: 'again' })).status).toBe(404);
  });
});
