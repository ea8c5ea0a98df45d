import type { RunningSimulator } from '../../../src/simulators/kit/server.js';
import { call, start, TOKEN } from './helpers.js';

async function refresh(sim: RunningSimulator, fields: Record<string, string>) {
  const res = await fetch(`${sim.url}/oauth/v1/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', client_id: 'sim-client-id', client_secret: 'sim-client-secret', refresh_token: 'sim-refresh-token', ...fields }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

describe('HubSpot OAuth token refresh', () => {
  let sim: RunningSimulator;
  beforeEach(async () => {
    sim = await start();
  });
  afterEach(() => sim.close());

  it('issues 30-minute access tokens that work on the API, keeping the refresh token', async () => {
    const { status, body } = await refresh(sim, {});
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 1800, refresh_token: 'sim-refresh-token' });
    expect(body.access_token).toBeTypeOf('string');
    expect((await call(sim, 'GET', '/crm/v3/objects/deals', undefined, body.access_token)).status).toBe(200);
    const info = (await fetch(`${sim.url}/oauth/v1/access-tokens/${body.access_token}`).then((r) => r.json())) as { expires_in: number };
    expect(info).toMatchObject({ hub_id: 62515, token_type: 'access' });
    expect(info.expires_in).toBeGreaterThan(1790);
  });

  it('rejects bad clients, bad refresh tokens and JSON bodies', async () => {
    expect((await refresh(sim, { client_secret: 'wrong' })).status).toBe(400);
    const bad = await refresh(sim, { refresh_token: 'nope' });
    expect(bad).toMatchObject({ status: 400, body: { status: 'BAD_REFRESH_TOKEN' } });
    const json = await fetch(`${sim.url}/oauth/v1/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'refresh_token' }) });
    expect(json.status).toBe(400);
  });

  it('expireTokens makes issued tokens answer 401 EXPIRED_AUTHENTICATION until refreshed; private-app tokens keep working', async () => {
    const first = (await refresh(sim, {})).body.access_token as string;
    sim.setFaults({ expireTokens: true });
    const expired = await call(sim, 'GET', '/crm/v3/objects/deals', undefined, first);
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ status: 'error', category: 'EXPIRED_AUTHENTICATION' });
    expect((await call(sim, 'GET', '/crm/v3/objects/deals', undefined, TOKEN)).status).toBe(200);
    const second = (await refresh(sim, {})).body.access_token as string;
    expect((await call(sim, 'GET', '/crm/v3/objects/deals', undefined, second)).status).toBe(200);
  });

  it('revoked credentials fail both calls and refreshes', async () => {
    const token = (await refresh(sim, {})).body.access_token as string;
    sim.setFaults({ revoked: true });
    expect((await call(sim, 'GET', '/crm/v3/objects/deals', undefined, token)).body.category).toBe('INVALID_AUTHENTICATION');
    expect((await refresh(sim, {})).body.status).toBe('BAD_REFRESH_TOKEN');
    sim.setFaults({ revoked: false });
    expect((await refresh(sim, {})).status).toBe(200);
  });

  it('expires access tokens after their lifetime', async () => {
    const short = await start({ oauth: { accessTokenLifetimeSeconds: 1 } });
    try {
      const token = (await refresh(short, {})).body.access_token as string;
      expect((await call(short, 'GET', '/crm/v3/objects/deals', undefined, token)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 1100));
      expect((await call(short, 'GET', '/crm/v3/objects/deals', undefined, token)).body.category).toBe('EXPIRED_AUTHENTICATION');
    } finally {
      await short.close();
    }
  });
});
