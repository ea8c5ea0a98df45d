import { COMPOSIO_SIM_ACCOUNTS, startComposioSimulator, type RunningComposioSimulator } from '../../../src/simulators/composio/index.js';
import { api, call, specMissing } from './helpers.js';

const HS = COMPOSIO_SIM_ACCOUNTS.hubspot;

describe.skipIf(specMissing)('Composio simulator: connected accounts', () => {
  let sim: RunningComposioSimulator;

  beforeAll(async () => {
    sim = await startComposioSimulator({ seed: 5 });
  });
  afterAll(() => sim.close());
  beforeEach(() => call(sim.url, 'POST', '/__admin/reset'));

  it('shows an account in the spec shape with its credentials masked', async () => {
    const res = await api(sim, 'GET', `/api/v3/connected_accounts/${HS}`);
    expect(res.body).toMatchObject({
      id: HS,
      toolkit: { slug: 'hubspot' },
      auth_config: { id: 'ac_hubspot', auth_scheme: 'OAUTH2' },
      user_id: 'sim-user',
      status: 'ACTIVE',
      is_disabled: false,
      state: { authScheme: 'OAUTH2', val: { status: 'ACTIVE', access_token: 'pat-...0001' } },
    });
    expect(JSON.stringify(res.body)).not.toContain('00000000-0000-4000-8000');
    expect((await api(sim, 'GET', '/api/v3/connected_accounts/ca_unknown0000')).body.error.code).toBe(1803);
  });

  it('filters the list and pages it with a cursor, newest first by default', async () => {
    for (let i = 0; i < 5; i++) sim.addAccount({ userId: `user-${i % 2}`, toolkit: 'hubspot', credentials: { access_token: `token-${i}-abcdefgh` } });
    sim.addAccount({ userId: 'user-0', toolkit: 'salesforce', status: 'EXPIRED', credentials: { access_token: 'sf-token-abcdefgh', base_url: 'http://127.0.0.1:1' } });

    const user0 = await api(sim, 'GET', '/api/v3/connected_accounts?user_ids=user-0&toolkit_slugs=hubspot');
    expect(user0.body.total_items).toBe(3);
    const created = user0.body.items.map((a: { created_at: string }) => a.created_at);
    expect(created).toEqual([...created].sort().reverse());

    const expired = await api(sim, 'GET', '/api/v3/connected_accounts?statuses=EXPIRED,INACTIVE');
    expect(expired.body.items.map((a: { toolkit: { slug: string } }) => a.toolkit.slug)).toEqual(['salesforce']);
    expect(expired.body.items[0].state.val).toMatchObject({ status: 'EXPIRED', expired_at: expect.any(String) });

    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof api>> = await api(sim, 'GET', `/api/v3/connected_accounts?limit=3&order_direction=asc${cursor ? `&cursor=${cursor}` : ''}`);
      ids.push(...page.body.items.map((a: { id: string }) => a.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(ids).toHaveLength(8);
    expect(ids.slice(0, 2)).toEqual([HS, COMPOSIO_SIM_ACCOUNTS.pipedrive]);
    expect((await api(sim, 'GET', '/api/v3/connected_accounts?statuses=ASLEEP')).status).toBe(400);
  });

  it('disables and re-enables an account', async () => {
    expect((await api(sim, 'PATCH', `/api/v3/connected_accounts/${HS}/status`, { body: { enabled: false } })).body).toEqual({ success: true });
    expect((await api(sim, 'GET', `/api/v3/connected_accounts/${HS}`)).body).toMatchObject({ status: 'INACTIVE', is_disabled: true });
    await api(sim, 'PATCH', `/api/v3/connected_accounts/${HS}/status`, { body: { enabled: true } });
    expect((await api(sim, 'GET', `/api/v3/connected_accounts/${HS}`)).body).toMatchObject({ status: 'ACTIVE', is_disabled: false });
    expect((await api(sim, 'PATCH', `/api/v3/connected_accounts/${HS}/status`, { body: { enabled: 'yes' } })).status).toBe(400);
  });

  it('soft-deletes an account: gone from the API, kept for the admin', async () => {
    expect((await api(sim, 'DELETE', `/api/v3/connected_accounts/${HS}`)).body).toEqual({ success: true });
    expect((await api(sim, 'GET', `/api/v3/connected_accounts/${HS}`)).status).toBe(404);
    expect((await api(sim, 'GET', '/api/v3/connected_accounts')).body.items.map((a: { id: string }) => a.id)).toEqual([COMPOSIO_SIM_ACCOUNTS.pipedrive]);
    expect((await call(sim.url, 'GET', `/__admin/connected_accounts/${HS}`)).body).toMatchObject({ id: HS, deleted: true });
  });

  it('refreshes an expired OAuth account through a re-authorization the user completes', async () => {
    await call(sim.url, 'PATCH', `/__admin/connected_accounts/${HS}`, { body: { status: 'EXPIRED' } });
    const refresh = await api(sim, 'POST', `/api/v3/connected_accounts/${HS}/refresh`);
    expect(refresh.body).toEqual({ id: HS, status: 'INITIATED', redirect_url: `${sim.url}/__admin/connected_accounts/${HS}/authorize` });
    expect((await api(sim, 'GET', `/api/v3/connected_accounts/${HS}`)).body.state.val).toEqual({ status: 'INITIATED', redirectUrl: refresh.body.redirect_url });

    const done = await fetch(refresh.body.redirect_url);
    expect(done.status).toBe(200);
    expect((await api(sim, 'GET', `/api/v3/connected_accounts/${HS}`)).body.status).toBe('ACTIVE');

    const apiKey = await api(sim, 'POST', `/api/v3/connected_accounts/${COMPOSIO_SIM_ACCOUNTS.pipedrive}/refresh`);
    expect(apiKey.body).toEqual({ id: COMPOSIO_SIM_ACCOUNTS.pipedrive, status: 'ACTIVE', redirect_url: null });
  });

  it('lists the auth configs behind the accounts', async () => {
    sim.addAccount({ userId: 'u', toolkit: 'hubspot', credentials: { access_token: 'another-hubspot-token' } });
    const res = await api(sim, 'GET', '/api/v3/auth_configs');
    expect(res.body.items.map((c: { id: string; no_of_connections: number }) => [c.id, c.no_of_connections])).toEqual([
      ['ac_hubspot', 2],
      ['ac_pipedrive', 1],
    ]);
    const one = await api(sim, 'GET', '/api/v3/auth_configs?toolkit_slug=pipedrive');
    expect(one.body.items[0]).toMatchObject({ auth_scheme: 'API_KEY', toolkit: { slug: 'pipedrive' } });
  });

  it('validates accounts added through the admin API', async () => {
    const ok = await call(sim.url, 'POST', '/__admin/connected_accounts', { body: { id: 'ca_added000001', userId: 'u9', toolkit: 'pipedrive', credentials: { api_key: 'k-123456789' } } });
    expect(ok.status).toBe(201);
    expect((await call(sim.url, 'POST', '/__admin/connected_accounts', { body: { id: 'ca_added000001', userId: 'u9', toolkit: 'pipedrive', credentials: {} } })).status).toBe(400);
    expect((await call(sim.url, 'POST', '/__admin/connected_accounts', { body: { userId: 'u9', toolkit: 'zendesk', credentials: {} } })).status).toBe(400);
    expect((await call(sim.url, 'POST', '/__admin/connected_accounts', { body: { id: 'acct-1', userId: 'u9', toolkit: 'hubspot', credentials: {} } })).status).toBe(400);
  });
});
