/**
 * The OAuth refresh-token flow and identity URL over raw HTTP, and the admin API around them.
 */
import { createHmac } from 'node:crypto';
import { startSalesforceSimulator, type RunningSalesforceSimulator } from '../../../src/simulators/salesforce/index.js';
import { rawClient } from './rawClient.js';

let sim: RunningSalesforceSimulator;

afterEach(async () => {
  await sim.close();
});

async function token(form: Record<string, string>): Promise<{ status: number; body: any }> {
  const res = await fetch(`${sim.url}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: await res.json() };
}

describe('Salesforce OAuth', () => {
  it('exchanges a refresh token for a session without expires_in', async () => {
    sim = await startSalesforceSimulator();
    const { clientId, clientSecret, refreshToken, orgId, userId } = sim.config;
    const res = await token({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId, client_secret: clientSecret });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['access_token', 'id', 'instance_url', 'issued_at', 'scope', 'signature', 'token_type']);
    expect(res.body).toMatchObject({ instance_url: sim.url, id: `${sim.url}/id/${orgId}/${userId}`, token_type: 'Bearer' });
    expect(res.body.access_token.startsWith(`${orgId.slice(0, 15)}!`)).toBe(true);
    const expected = createHmac('sha256', clientSecret).update(res.body.id + res.body.issued_at).digest('base64');
    expect(res.body.signature).toBe(expected);

    const identity = await fetch(res.body.id, { headers: { authorization: `Bearer ${res.body.access_token}` } });
    expect(await identity.json()).toMatchObject({ user_id: userId, organization_id: orgId, active: true });
    const call = await fetch(`${sim.url}/services/data/v67.0/limits`, { headers: { authorization: `Bearer ${res.body.access_token}` } });
    expect(call.status).toBe(200);
  });

  it('rejects a wrong client, a wrong secret, an unknown token and an unsupported grant', async () => {
    sim = await startSalesforceSimulator();
    const { clientId, clientSecret, refreshToken } = sim.config;
    expect(await token({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'other', client_secret: clientSecret })).toEqual({
      status: 400,
      body: { error: 'invalid_client_id', error_description: 'client identifier invalid' },
    });
    expect((await token({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId, client_secret: 'wrong' })).body.error).toBe('invalid_client');
    expect(await token({ grant_type: 'refresh_token', refresh_token: 'nope', client_id: clientId, client_secret: clientSecret })).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'expired access/refresh token' },
    });
    expect((await token({ grant_type: 'password', client_id: clientId })).body.error).toBe('unsupported_grant_type');
  });

  it('rotates refresh tokens when the connected app is set to', async () => {
    sim = await startSalesforceSimulator({ config: { rotateRefreshTokens: true } });
    const { clientId, clientSecret, refreshToken } = sim.config;
    const first = await token({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId, client_secret: clientSecret });
    expect(first.body.refresh_token).toBeDefined();
    expect(first.body.refresh_token).not.toBe(refreshToken);
    expect((await token({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId, client_secret: clientSecret })).status).toBe(400);
    const second = await token({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token, client_id: clientId, client_secret: clientSecret });
    expect(second.status).toBe(200);
  });

  it('expires sessions on the expireTokens fault until the client refreshes', async () => {
    sim = await startSalesforceSimulator();
    const api = rawClient(sim);
    expect((await api.call('GET', 'limits')).status).toBe(200);
    sim.setFaults({ expireTokens: true });
    const expired = await api.call('GET', 'limits');
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    const { clientId, clientSecret, refreshToken } = sim.config;
    const fresh = await token({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId, client_secret: clientSecret });
    const retry = await fetch(`${sim.url}/services/data/v66.0/limits`, { headers: { authorization: `Bearer ${fresh.body.access_token}` } });
    expect(retry.status).toBe(200);
  });
});

describe('Salesforce admin API', () => {
  it('reports state and resets to the same fixtures', async () => {
    sim = await startSalesforceSimulator({ seed: 21 });
    const api = rawClient(sim);
    const ids = async (): Promise<string[]> => (await api.query(`SELECT Id FROM Account ORDER BY Name`)).body.records.map((r: { Id: string }) => r.Id);
    const before = await ids();
    await api.call('POST', 'sobjects/Account', { Name: 'Temporary' });
    const state: any = await (await fetch(`${sim.url}/__admin/state`)).json();
    expect(state).toMatchObject({ orgId: sim.config.orgId, apiUsage: { used: 2, max: 15000 }, sobjects: { Account: { records: 4, deleted: 0 } } });

    expect((await fetch(`${sim.url}/__admin/reset`, { method: 'POST' })).status).toBe(200);
    expect(await ids()).toEqual(before);
    const after: any = await (await fetch(`${sim.url}/__admin/state`)).json();
    expect(after.sobjects.Account).toEqual({ records: 3, deleted: 0 });
  });

  it('gives different seeds different ids and the same seed the same ids', async () => {
    const idsFor = async (seed: number): Promise<string[]> => {
      const s = await startSalesforceSimulator({ seed });
      const api = rawClient(s);
      const created = await api.call('POST', 'sobjects/Account', { Name: 'Seeded' });
      const fixtures = (await api.query(`SELECT Id FROM Account WHERE Name = 'Acme Corporation'`)).body.records[0].Id;
      await s.close();
      return [fixtures, created.body.id];
    };
    sim = await startSalesforceSimulator();
    const a = await idsFor(100);
    expect(await idsFor(100)).toEqual(a);
    expect(await idsFor(101)).not.toEqual(a);
  });
});
