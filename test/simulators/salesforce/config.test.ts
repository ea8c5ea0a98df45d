/**
 * Configuration shapes the org: objects, external ids, fixtures and versions.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultSObjects, startSalesforceSimulator, type RunningSalesforceSimulator } from '../../../src/simulators/salesforce/index.js';
import { rawClient } from './rawClient.js';

let sim: RunningSalesforceSimulator | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('Salesforce simulator configuration', () => {
  it('serves configured objects, external ids, fixtures and versions', async () => {
    sim = await startSalesforceSimulator({
      config: {
        apiVersions: ['67.0'],
        sobjects: [
          ...defaultSObjects(),
          { name: 'Invoice__c', keyPrefix: 'a1I', fields: [{ name: 'Number__c', type: 'string', required: true }, { name: 'Account__c', type: 'reference', referenceTo: 'Account' }] },
        ],
        externalIdFields: { Invoice__c: ['Number__c'] },
        fixtures: { Account: [{ Name: 'Only Account' }], Invoice__c: [{ Number__c: 'INV-1', Account__c: '@Account:0' }] },
      },
    });
    const api = rawClient(sim, '67.0');
    expect((await api.call('GET', '/services/data/v66.0/limits')).status).toBe(404);
    const invoices = await api.query(`SELECT Id, Number__c, Account__c FROM Invoice__c`);
    const accounts = await api.query(`SELECT Id, Name FROM Account`);
    expect(accounts.body.records.map((r: { Name: string }) => r.Name)).toEqual(['Only Account']);
    expect(invoices.body.records[0]).toMatchObject({ Number__c: 'INV-1', Account__c: accounts.body.records[0].Id, Id: expect.stringMatching(/^a1I/) });
    const upsert = await api.call('PATCH', 'sobjects/Invoice__c/Number__c/INV-1', { Account__c: null });
    expect(upsert.body).toMatchObject({ created: false, id: invoices.body.records[0].Id });
    const describe = await api.call('GET', 'sobjects/Invoice__c/describe');
    expect(describe.body.fields.find((f: { name: string }) => f.name === 'Number__c')).toMatchObject({ externalId: true, type: 'string', nillable: false });
  });

  it('loads salesforce.json from the kit fixtures folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sf-fixtures-'));
    try {
      await writeFile(join(dir, 'salesforce.json'), JSON.stringify({ Contact: [{ LastName: 'From File' }] }));
      sim = await startSalesforceSimulator({ fixturesDir: dir });
      const api = rawClient(sim);
      expect((await api.query(`SELECT Name FROM Contact`)).body.records.map((r: { Name: string }) => r.Name)).toEqual(['From File']);
      expect((await api.query(`SELECT COUNT() FROM Account`)).body.totalSize).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses an external id override naming an unknown field', async () => {
    await expect(startSalesforceSimulator({ config: { externalIdFields: { Account: ['Nope__c'] } } })).rejects.toThrow(/unknown field Account\.Nope__c/);
  });
});
