/**
 * The official client, @composio/core 0.17, pointed at the simulator (it calls `/api/v3.1`):
 * `tools.execute` first reads the tool (`GET /tools/{slug}?version=`), then executes it.
 */
import { Composio, ComposioConnectedAccountNotFoundError, ComposioToolExecutionError, ComposioToolNotFoundError } from '@composio/core';
import { COMPOSIO_SIM_ACCOUNTS, type ExecutionRecord } from '../../../src/simulators/composio/index.js';
import { call, hubspotRecord, specMissing, startWithHubspot, type Pair } from './helpers.js';

const HS = COMPOSIO_SIM_ACCOUNTS.hubspot;

describe.skipIf(specMissing)('Composio simulator with @composio/core', () => {
  let pair: Pair;
  let composio: Composio;

  beforeAll(async () => {
    pair = await startWithHubspot();
    composio = new Composio({ apiKey: pair.composio.apiKey, baseURL: pair.composio.url, allowTracking: false, disableVersionCheck: true });
  });
  afterAll(() => pair.close());
  beforeEach(async () => {
    await call(pair.composio.url, 'POST', '/__admin/reset');
    await call(pair.hubspot.url, 'POST', '/__admin/reset');
  });

  it('creates a HubSpot deal that is then present in the HubSpot simulator', async () => {
    const result = await composio.tools.execute('HUBSPOT_CREATE_NEW_DEAL_OBJECT', {
      userId: 'sim-user',
      connectedAccountId: HS,
      arguments: { properties: { dealname: 'SDK deal', amount: '1234.5', pipeline: 'default', dealstage: 'qualifiedtobuy' } },
      version: '20250909_00',
    });
    expect(result.successful).toBe(true);
    expect(result.error).toBeNull();
    const id = (result.data as { id: string }).id;
    const stored = await hubspotRecord(pair.hubspot, 'deals', id);
    expect(stored.status).toBe(200);
    expect(stored.body.properties).toMatchObject({ dealname: 'SDK deal', amount: '1234.5', dealstage: 'qualifiedtobuy' });

    const log: ExecutionRecord[] = pair.composio.executions();
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ tool: 'HUBSPOT_CREATE_NEW_DEAL_OBJECT', version: '20250909_00', connectedAccountId: HS, outcome: 'successful' });
  });

  it('surfaces a HubSpot 404 as successful:false', async () => {
    const result = await composio.tools.execute('HUBSPOT_RETRIEVE_DEAL_BY_ID', { userId: 'sim-user', connectedAccountId: HS, arguments: { dealId: '424242' }, version: '20250909_00' });
    expect(result.successful).toBe(false);
    expect(result.error).toMatch(/^404 Client Error/);
  });

  it('fails with the 422 of an EXPIRED account and does not reach HubSpot', async () => {
    pair.composio.setAccountStatus(HS, 'EXPIRED', 'token revoked by the user');
    const before = (await call(pair.hubspot.url, 'GET', '/__admin/state')).body.counts.deals;
    const err = await composio.tools
      .execute('HUBSPOT_CREATE_NEW_DEAL_OBJECT', { userId: 'sim-user', connectedAccountId: HS, arguments: { properties: { dealname: 'never' } }, version: '20250909_00' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(ComposioToolExecutionError);
    const cause = (err as { cause?: { status?: number; error?: { error?: { message?: string } } } }).cause;
    expect(cause?.status).toBe(422);
    expect(cause?.error?.error?.message).toContain('EXPIRED');
    expect((await call(pair.hubspot.url, 'GET', '/__admin/state')).body.counts.deals).toEqual(before);
  });

  it('maps an unknown connected account to ComposioConnectedAccountNotFoundError (code 1803)', async () => {
    await expect(
      composio.tools.execute('HUBSPOT_RETRIEVE_DEAL_BY_ID', { userId: 'sim-user', connectedAccountId: 'ca_missing00001', arguments: { dealId: '3001' }, version: '20250909_00' }),
    ).rejects.toBeInstanceOf(ComposioConnectedAccountNotFoundError);
  });

  it('fails before executing when the tool has no such version', async () => {
    await expect(
      composio.tools.execute('HUBSPOT_RETRIEVE_DEAL_BY_ID', { userId: 'sim-user', connectedAccountId: HS, arguments: { dealId: '3001' }, version: '19990101_00' }),
    ).rejects.toBeInstanceOf(ComposioToolNotFoundError);
    expect(pair.composio.executions()).toEqual([]);
  });

  it('lists connected accounts and reads tool metadata', async () => {
    const accounts = await composio.connectedAccounts.list({ userIds: ['sim-user'], toolkitSlugs: ['hubspot'] });
    expect(accounts.items.map((a) => a.id)).toEqual([HS]);
    expect(accounts.items[0]?.status).toBe('ACTIVE');
    const tool = await composio.tools.getRawComposioToolBySlug('HUBSPOT_SEARCH_DEALS_BY_CRITERIA', { version: 'latest' });
    expect(tool.slug).toBe('HUBSPOT_SEARCH_DEALS_BY_CRITERIA');
    expect(tool.version).toBe('20251110_00');
  });
});
