import { startPipedriveSimulator, type RunningPipedriveSimulator } from '../../../src/simulators/pipedrive/index.js';
import { call, checked, expectErrorEnvelope, specsMissing } from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(specsMissing)('Pipedrive rate limits and token budget', () => {
  let sim: RunningPipedriveSimulator;
  afterEach(() => sim?.close());

  it('sends rate-limit headers and answers 429 once the 2 s burst window is full', async () => {
    sim = await startPipedriveSimulator({ config: { burstLimit: { apiToken: 4 }, dailyTokenBudget: 1_000 } });
    const remaining: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await checked(sim.url, 'GET', '/api/v2/deals?limit=1', { token: sim.apiToken });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-limit')).toBe('4');
      remaining.push(res.headers.get('x-ratelimit-remaining') as string);
    }
    expect(remaining).toEqual(['3', '2', '1', '0']);
    const limited = await checked(sim.url, 'GET', '/api/v2/deals?limit=1', { token: sim.apiToken });
    expect(limited.status).toBe(429);
    expectErrorEnvelope(limited.body);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('x-ratelimit-reset'))).toBeGreaterThanOrEqual(1);
    // A refused request is not charged: 4 lists of 10 tokens.
    expect(limited.headers.get('x-daily-requests-left')).toBe('960');

    await sleep(Number(limited.headers.get('x-ratelimit-reset')) * 1000 + 50);
    expect((await checked(sim.url, 'GET', '/api/v2/deals?limit=1', { token: sim.apiToken })).status).toBe(200);
  });

  it('gives OAuth tokens their own, larger burst window', async () => {
    sim = await startPipedriveSimulator({ config: { burstLimit: { apiToken: 2, oauth: 5 } } });
    const wrongGrant = await fetch(`${sim.url}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${sim.config.oauth.clientId}:${sim.config.oauth.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=password',
    });
    expect(wrongGrant.status).toBe(400);
    expect(await wrongGrant.json()).toMatchObject({ error: 'unsupported_grant_type' });
    const res = await fetch(`${sim.url}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${sim.config.oauth.clientId}:${sim.config.oauth.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: sim.config.oauth.refreshToken }).toString(),
    });
    const grant = (await res.json()) as Record<string, unknown>;
    expect(grant).toMatchObject({ token_type: 'bearer', refresh_token: sim.config.oauth.refreshToken, expires_in: 3599, api_domain: sim.url });
    const bearer = { authorization: `Bearer ${grant.access_token as string}` };
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await checked(sim.url, 'GET', '/api/v2/persons/2001', { headers: bearer })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    // The API token's window is separate.
    expect((await checked(sim.url, 'GET', '/api/v2/persons/2001', { token: sim.apiToken })).status).toBe(200);
  });

  it('limits search to 10 per 2 s regardless of the burst limit', async () => {
    sim = await startPipedriveSimulator({ config: { burstLimit: { apiToken: 100 } } });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await checked(sim.url, 'GET', '/api/v2/organizations/search?term=ac', { token: sim.apiToken });
      statuses.push(res.status);
      if (i === 0) expect(res.headers.get('x-ratelimit-limit')).toBe('10');
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.at(-1)).toBe(429);
    expect((await checked(sim.url, 'GET', '/api/v2/organizations?limit=1', { token: sim.apiToken })).status).toBe(200);
  });

  it('charges each operation its x-token-cost and refuses when the daily budget is spent', async () => {
    sim = await startPipedriveSimulator({ config: { burstLimit: { apiToken: 1_000 }, searchLimit: 1_000, dailyTokenBudget: 200 } });
    const left = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<number> => {
      const res = await checked(sim.url, method, path, { token: sim.apiToken, body });
      expect(res.status, `${method} ${path}`).toBeLessThan(300);
      return Number(res.headers.get('x-daily-requests-left'));
    };
    const costs: Record<string, number> = {};
    let before = 200;
    const charge = async (name: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown) => {
      const after = await left(method, path, body);
      costs[name] = before - after;
      before = after;
    };
    await charge('get', 'GET', '/api/v2/organizations/101');
    await charge('list', 'GET', '/api/v2/organizations');
    await charge('search', 'GET', '/api/v2/persons/search?term=mail');
    await charge('create', 'POST', '/api/v2/deals', { title: 'Budget' });
    await charge('update', 'PATCH', '/api/v2/deals/5001', { title: 'Budget 2' });
    await charge('delete', 'DELETE', '/api/v2/deals/5001');
    await charge('notesList', 'GET', '/v1/notes');
    await charge('notesCreate', 'POST', '/v1/notes', { content: 'n', org_id: 101 });
    expect(costs).toEqual({ get: 1, list: 10, search: 20, create: 5, update: 5, delete: 3, notesList: 20, notesCreate: 10 });

    const state = await call(sim.url, 'GET', '/__admin/state');
    expect(state.body.usage).toEqual({ dailyTokensUsed: 74, dailyTokensLeft: 126 });

    // 126 left: six lists (60) and three searches (60) leave 6, too few for another list.
    for (let i = 0; i < 6; i++) await left('GET', '/api/v2/persons');
    for (let i = 0; i < 3; i++) await left('GET', '/api/v2/deals/search?term=deal');
    const refused = await checked(sim.url, 'GET', '/api/v2/persons', { token: sim.apiToken });
    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe('Daily token budget exceeded');
    expect(refused.headers.get('x-daily-requests-left')).toBe('6');
    // A cheaper operation still fits.
    expect((await checked(sim.url, 'GET', '/api/v2/persons/2001', { token: sim.apiToken })).status).toBe(200);
  });

  it('answers missing, unknown and revoked credentials with 401', async () => {
    sim = await startPipedriveSimulator();
    const none = await checked(sim.url, 'GET', '/api/v2/deals');
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ success: false, error: 'unauthorized access', errorCode: 401 });
    const wrong = await checked(sim.url, 'GET', '/v1/webhooks', { token: 'nope' });
    expect(wrong.status).toBe(401);
    expect((await checked(sim.url, 'GET', '/api/v2/deals', { headers: { authorization: `Bearer ${sim.apiToken}` } })).status).toBe(401);
    sim.setFaults({ revoked: true });
    expect((await checked(sim.url, 'GET', '/api/v2/deals', { token: sim.apiToken })).status).toBe(401);
  });

  it('words injected faults in the error envelope', async () => {
    sim = await startPipedriveSimulator();
    sim.scriptFault({ kind: 'server_error', count: 1, status: 503, pathContains: '/api/v2/deals' });
    sim.scriptFault({ kind: 'rate_limit', count: 1, retryAfterSeconds: 3, pathContains: '/api/v2/persons' });
    const unavailable = await checked(sim.url, 'GET', '/api/v2/deals', { token: sim.apiToken });
    expect(unavailable.status).toBe(503);
    expect(unavailable.body.error).toBe('Requested service is not available');
    const limited = await checked(sim.url, 'GET', '/api/v2/persons', { token: sim.apiToken });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect((await checked(sim.url, 'GET', '/api/v2/deals', { token: sim.apiToken })).status).toBe(200);
  });
});
