import { COMPOSIO_SIM_ACCOUNTS, type ExecutionRecord } from '../../../src/simulators/composio/index.js';
import { api, call, hubspotRecord, specMissing, startWithHubspot, type Pair } from './helpers.js';

const HS = COMPOSIO_SIM_ACCOUNTS.hubspot;

describe.skipIf(specMissing)('Composio simulator: tool execution', () => {
  let pair: Pair;
  const execute = (slug: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    api(pair.composio, 'POST', `/api/v3/tools/execute/${slug}`, { body, headers });
  const log = async (): Promise<ExecutionRecord[]> => (await call(pair.composio.url, 'GET', '/__admin/executions')).body.executions;

  beforeAll(async () => {
    pair = await startWithHubspot();
  });
  afterAll(() => pair.close());
  beforeEach(async () => {
    await call(pair.composio.url, 'POST', '/__admin/reset');
    await call(pair.hubspot.url, 'POST', '/__admin/reset');
  });

  it('creates a deal that is really in HubSpot, and logs the execution with its correlation id', async () => {
    const res = await execute(
      'HUBSPOT_CREATE_NEW_DEAL_OBJECT',
      { arguments: { properties: { dealname: 'Quote Q-17', amount: '990', dealstage: 'appointmentscheduled' } }, user_id: 'sim-user', connected_account_id: HS, version: '20250909_00' },
      { 'x-correlation-id': 'corr-create-1' },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ successful: true, error: null, log_id: expect.stringMatching(/^log_/) });
    const id = res.body.data.id as string;
    expect(res.body.data.properties.dealname).toBe('Quote Q-17');

    const stored = await hubspotRecord(pair.hubspot, 'deals', id);
    expect(stored.status).toBe(200);
    expect(stored.body.properties).toMatchObject({ dealname: 'Quote Q-17', amount: '990', dealstage: 'appointmentscheduled' });

    const [entry] = await log();
    expect(entry).toMatchObject({
      tool: 'HUBSPOT_CREATE_NEW_DEAL_OBJECT',
      version: '20250909_00',
      connectedAccountId: HS,
      userId: 'sim-user',
      correlationId: 'corr-create-1',
      outcome: 'successful',
      status: 200,
      logId: res.body.log_id,
      arguments: { properties: { dealname: 'Quote Q-17', amount: '990', dealstage: 'appointmentscheduled' } },
    });
    expect(entry?.providerCalls).toEqual([{ method: 'POST', url: `${pair.hubspot.url}/crm/v3/objects/deals`, status: 201 }]);
  });

  it('updates, retrieves and searches deals the way the hubspot-composio connector calls them', async () => {
    const created = await execute('HUBSPOT_CREATE_NEW_DEAL_OBJECT', { arguments: { properties: { dealname: 'Renewal', amount: '10' } }, connected_account_id: HS, version: '20250909_00' });
    const id = created.body.data.id as string;

    const updated = await execute('HUBSPOT_PARTIALLY_UPDATE_DEAL_BY_ID', { arguments: { dealId: id, properties: { amount: '25' } }, connected_account_id: HS, version: '20250909_00' });
    expect(updated.body.successful).toBe(true);
    expect((await hubspotRecord(pair.hubspot, 'deals', id)).body.properties.amount).toBe('25');

    const read = await execute('HUBSPOT_RETRIEVE_DEAL_BY_ID', { arguments: { dealId: id, properties: ['dealname', 'amount'] }, connected_account_id: HS, version: '20250909_00' });
    expect(read.body.data).toMatchObject({ id, properties: { dealname: 'Renewal', amount: '25' } });

    // Three fixture deals plus the new one, two per page, sorted by modification time.
    const pages: string[][] = [];
    let after: string | undefined;
    do {
      const page = await execute('HUBSPOT_SEARCH_DEALS_BY_CRITERIA', {
        arguments: {
          filterGroups: [{ filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: '0' }] }],
          sorts: [{ propertyName: 'hs_lastmodifieddate', direction: 'ASCENDING' }],
          limit: 2,
          ...(after ? { after } : {}),
        },
        connected_account_id: HS,
        version: '20250909_00',
      });
      expect(page.body.successful).toBe(true);
      pages.push(page.body.data.results.map((r: { id: string }) => r.id));
      after = page.body.data.paging?.next?.after;
    } while (after);
    expect(pages.map((p) => p.length)).toEqual([2, 2]);
    expect(pages.flat().at(-1)).toBe(id);

    const company = await execute('HUBSPOT_CREATE_COMPANY_OBJECT', { arguments: { properties: { name: 'Initech', domain: 'initech.example' } }, connected_account_id: HS, version: '20250909_00' });
    expect((await hubspotRecord(pair.hubspot, 'companies', company.body.data.id)).body.properties.domain).toBe('initech.example');
  });

  it('resolves a missing version to the base version and "latest" to the newest', async () => {
    await execute('HUBSPOT_RETRIEVE_DEAL_BY_ID', { arguments: { dealId: '3001' }, connected_account_id: HS });
    await execute('HUBSPOT_RETRIEVE_DEAL_BY_ID', { arguments: { dealId: '3001' }, connected_account_id: HS, version: 'latest' });
    const unknown = await execute('HUBSPOT_RETRIEVE_DEAL_BY_ID', { arguments: { dealId: '3001' }, connected_account_id: HS, version: '20200101_00' });
    expect(unknown.status).toBe(404);
    expect((await log()).map((e) => [e.version, e.outcome])).toEqual([
      ['20250909_00', 'successful'],
      ['20251110_00', 'successful'],
      [null, 'rejected'],
    ]);
  });

  it('refuses arguments that do not fit input_parameters with 400, without calling HubSpot', async () => {
    const res = await execute('HUBSPOT_PARTIALLY_UPDATE_DEAL_BY_ID', { arguments: { properties: 'amount=5' }, connected_account_id: HS, version: '20250909_00' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ status: 400, code: 400 });
    expect(res.body.error.errors).toEqual(expect.arrayContaining(["arguments must have required property 'dealId'", 'arguments.properties must be object']));
    const [entry] = await log();
    expect(entry).toMatchObject({ outcome: 'rejected', status: 400, providerCalls: [] });
  });

  it('answers 404 for an unknown tool or account, with code 1803 for the account', async () => {
    const tool = await execute('HUBSPOT_NO_SUCH_TOOL', { arguments: {}, connected_account_id: HS });
    expect(tool.status).toBe(404);
    const account = await execute('HUBSPOT_RETRIEVE_DEAL_BY_ID', { arguments: { dealId: '3001' }, connected_account_id: 'ca_doesNotExist' });
    expect(account.status).toBe(404);
    expect(account.body.error).toMatchObject({ code: 1803, status: 404, message: 'Connected account ca_doesNotExist not found' });
  });

  it('refuses an account of another toolkit or user, and picks the user\'s account when none is named', async () => {
    const other = await execute('HUBSPOT_RETRIEVE_DEAL_BY_ID', { arguments: { dealId: '3001' }, connected_account_id: COMPOSIO_SIM_ACCOUNTS.pipedrive });
    expect(other.status).toBe(400);
    const wrongUser = await execute('HUBSPOT_RETRIEVE_DEAL_BY_ID', { arguments: { dealId: '3001' }, connected_account_id: HS, user_id: 'someone-else' });
    expect(wrongUser.status).toBe(400);
    const byUser = await execute('HUBSPOT_RETRIEVE_DEAL_BY_ID', { arguments: { dealId: '3001' }, user_id: 'sim-user' });
    expect(byUser.body.data.id).toBe('3001');
    expect((await log()).at(-1)?.connectedAccountId).toBe(HS);
    const nobody = await execute('HUBSPOT_RETRIEVE_DEAL_BY_ID', { arguments: { dealId: '3001' }, user_id: 'nobody' });
    expect(nobody.status).toBe(404);
    expect(nobody.body.error.code).toBe(1803);
  });

  it('treats arguments and text as mutually exclusive, and does not run natural-language text', async () => {
    const both = await execute('HUBSPOT_RETRIEVE_DEAL_BY_ID', { arguments: { dealId: '3001' }, text: 'read deal 3001', connected_account_id: HS });
    expect(both.status).toBe(400);
    const text = await execute('HUBSPOT_RETRIEVE_DEAL_BY_ID', { text: 'read deal 3001', connected_account_id: HS });
    expect(text.status).toBe(501);
  });

  it('answers 422 for an EXPIRED or disabled account and leaves HubSpot untouched', async () => {
    const before = (await call(pair.hubspot.url, 'GET', '/__admin/state')).body.counts.deals;
    await call(pair.composio.url, 'PATCH', `/__admin/connected_accounts/${HS}`, { body: { status: 'EXPIRED', statusReason: 'refresh token revoked' } });
    const expired = await execute('HUBSPOT_CREATE_NEW_DEAL_OBJECT', { arguments: { properties: { dealname: 'x' } }, connected_account_id: HS, version: '20250909_00' });
    expect(expired.status).toBe(422);
    expect(expired.body.error).toMatchObject({ status: 422, message: `Connected account ${HS} is EXPIRED, not ACTIVE: refresh token revoked`, suggested_fix: expect.any(String) });

    pair.composio.setAccountStatus(HS, 'INACTIVE');
    const inactive = await execute('HUBSPOT_CREATE_NEW_DEAL_OBJECT', { arguments: { properties: { dealname: 'x' } }, connected_account_id: HS, version: '20250909_00' });
    expect(inactive.status).toBe(422);
    expect((await call(pair.hubspot.url, 'GET', '/__admin/state')).body.counts.deals).toEqual(before);
    expect((await log()).map((e) => [e.outcome, e.status])).toEqual([
      ['rejected', 422],
      ['rejected', 422],
    ]);
  });

  it('reports a HubSpot 4xx as successful:false with the upstream status in the error text', async () => {
    const res = await execute('HUBSPOT_RETRIEVE_DEAL_BY_ID', { arguments: { dealId: '999999' }, connected_account_id: HS, version: '20250909_00' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ successful: false, data: {}, log_id: expect.stringMatching(/^log_/) });
    expect(res.body.error).toMatch(/^404 Client Error: Not Found for url: http:\/\/127\.0\.0\.1:\d+\/crm\/v3\/objects\/deals\/999999/);
    expect((await log())[0]).toMatchObject({ outcome: 'failed', status: 200 });
  });

  it('answers 502 when HubSpot fails with a 5xx or cannot be reached', async () => {
    pair.hubspot.scriptFault({ kind: 'server_error', count: 1, status: 503 });
    const failed = await execute('HUBSPOT_RETRIEVE_DEAL_BY_ID', { arguments: { dealId: '3001' }, connected_account_id: HS, version: '20250909_00' });
    expect(failed.status).toBe(502);
    expect(failed.body.error.message).toContain('503 Server Error');

    const added = pair.composio.addAccount({ userId: 'u2', toolkit: 'hubspot', credentials: { access_token: 'x', base_url: 'http://127.0.0.1:9' } });
    const unreachable = await execute('HUBSPOT_RETRIEVE_DEAL_BY_ID', { arguments: { dealId: '3001' }, connected_account_id: added.id as string, version: '20250909_00' });
    expect(unreachable.status).toBe(502);
    expect((await log()).map((e) => e.outcome)).toEqual(['error', 'error']);
  });

  it('needs a project API key', async () => {
    const res = await api(pair.composio, 'POST', '/api/v3/tools/execute/HUBSPOT_RETRIEVE_DEAL_BY_ID', { apiKey: null, body: { arguments: { dealId: '3001' }, connected_account_id: HS } });
    expect(res.status).toBe(401);
    const wrong = await api(pair.composio, 'GET', '/api/v3/tools', { apiKey: 'ak_wrong' });
    expect(wrong.status).toBe(401);
    expect(await log()).toEqual([]);
  });
});
