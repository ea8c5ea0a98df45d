/**
 * The table-driven Pipedrive and Salesforce tools against those simulators: each execution is a
 * real call whose effect is then read back from the provider directly.
 */
import { COMPOSIO_SIM_ACCOUNTS, startComposioSimulator, type RunningComposioSimulator } from '../../../src/simulators/composio/index.js';
import { startPipedriveSimulator, type RunningPipedriveSimulator } from '../../../src/simulators/pipedrive/index.js';
import { startSalesforceSimulator, type RunningSalesforceSimulator } from '../../../src/simulators/salesforce/index.js';
import { api, specMissing } from './helpers.js';

const PD = COMPOSIO_SIM_ACCOUNTS.pipedrive;

describe.skipIf(specMissing)('Composio simulator: Pipedrive and Salesforce tools', () => {
  let pipedrive: RunningPipedriveSimulator;
  let salesforce: RunningSalesforceSimulator;
  let composio: RunningComposioSimulator;
  let sfAccount: string;

  const execute = (slug: string, connectedAccountId: string, args: Record<string, unknown>) =>
    api(composio, 'POST', `/api/v3/tools/execute/${slug}`, { body: { arguments: args, connected_account_id: connectedAccountId, version: '20250909_00' } });

  beforeAll(async () => {
    pipedrive = await startPipedriveSimulator({ config: { burstLimit: { apiToken: 10_000 } } });
    salesforce = await startSalesforceSimulator();
    composio = await startComposioSimulator({ providers: { pipedrive: { baseUrl: pipedrive.url }, salesforce: { baseUrl: 'http://127.0.0.1:9' } } });
    // A Salesforce account carries its own instance URL, which wins over the provider's.
    sfAccount = composio.addAccount({ userId: 'sim-user', toolkit: 'salesforce', credentials: { access_token: salesforce.issueAccessToken(), base_url: salesforce.url } }).id as string;
  });
  afterAll(async () => {
    await composio.close();
    await pipedrive.close();
    await salesforce.close();
  });

  it('adds, updates and annotates a Pipedrive deal with the account\'s API token', async () => {
    const added = await execute('PIPEDRIVE_ADD_A_DEAL', PD, { title: 'Composio deal', value: 500, currency: 'EUR' });
    expect(added.body.successful).toBe(true);
    const id = added.body.data.data.id as number;

    const updated = await execute('PIPEDRIVE_UPDATE_A_DEAL', PD, { id, value: 750 });
    expect(updated.body.data.data.value).toBe(750);

    const note = await execute('PIPEDRIVE_ADD_A_NOTE', PD, { content: 'Sent the quote', deal_id: id });
    expect(note.body.successful).toBe(true);

    const direct = await fetch(`${pipedrive.url}/api/v2/deals/${id}`, { headers: { 'x-api-token': pipedrive.apiToken } });
    expect(((await direct.json()) as { data: unknown }).data).toMatchObject({ id, title: 'Composio deal', value: 750, currency: 'EUR' });
    const notes = await fetch(`${pipedrive.url}/v1/notes?deal_id=${id}`, { headers: { 'x-api-token': pipedrive.apiToken } });
    expect(((await notes.json()) as { data: Array<{ content: string }> }).data.map((n) => n.content)).toEqual(['Sent the quote']);

    const read = await execute('PIPEDRIVE_GET_DETAILS_OF_A_DEAL', PD, { id });
    expect(read.body.data.data.title).toBe('Composio deal');
  });

  it('reports a Pipedrive 404 as successful:false', async () => {
    const res = await execute('PIPEDRIVE_GET_DETAILS_OF_A_DEAL', PD, { id: 987654 });
    expect(res.body.successful).toBe(false);
    expect(res.body.error).toMatch(/^404 Client Error: Not Found for url: .*\/api\/v2\/deals\/987654/);
  });

  it('creates and updates a Salesforce account, then finds it with SOQL', async () => {
    const created = await execute('SALESFORCE_ACCOUNT_CREATION_WITH_CONTENT_TYPE_OPTION', sfAccount, { Name: 'Composio Test Inc', Industry: 'Technology' });
    expect(created.body).toMatchObject({ successful: true, data: { success: true, id: expect.stringMatching(/^001/) } });
    const id = created.body.data.id as string;

    const updated = await execute('SALESFORCE_UPDATE_ACCOUNT_OBJECT_BY_ID', sfAccount, { account_id: id, Industry: 'Consulting' });
    expect(updated.body).toMatchObject({ successful: true, data: {} });

    const query = await execute('SALESFORCE_EXECUTE_SOQL_QUERY', sfAccount, { soql_query: `SELECT Id, Name, Industry FROM Account WHERE Id = '${id}'` });
    expect(query.body.data.totalSize).toBe(1);
    expect(query.body.data.records[0]).toMatchObject({ Id: id, Name: 'Composio Test Inc', Industry: 'Consulting' });
  });

  it('reports a Salesforce error array as successful:false with its message', async () => {
    const res = await execute('SALESFORCE_EXECUTE_SOQL_QUERY', sfAccount, { soql_query: 'SELECT Nope FROM Account' });
    expect(res.body.successful).toBe(false);
    expect(res.body.error).toMatch(/^400 Client Error: Bad Request for url: .*\/services\/data\/v66\.0\/query\. /);
  });
});
