import { startComposioSimulator, type RunningComposioSimulator } from '../../../src/simulators/composio/index.js';
import { DOCS_429_ERRATA, api, call, expectFitsSpec, specMissing } from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(specMissing)('Composio simulator: organization rate limit', () => {
  let sim: RunningComposioSimulator;

  afterEach(() => sim.close());

  it('reports the allowance on every authenticated answer and refuses the request after it with 429', async () => {
    // A window far longer than the test, so no boundary falls inside it.
    sim = await startComposioSimulator({ rateLimit: { limit: 4, windowMs: 3_600_000 } });
    const remaining: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await api(sim, 'GET', i % 2 ? '/api/v3/tools?limit=1' : '/api/v3/connected_accounts');
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit')).toBe('4');
      expect(res.headers.get('x-ratelimit-window-size')).toBe('3600s');
      expect(res.headers.get('retry-after')).toBeNull();
      remaining.push(res.headers.get('x-ratelimit-remaining') as string);
    }
    expect(remaining).toEqual(['3', '2', '1', '0']);

    // Admin routes and unauthenticated calls do not draw on the allowance.
    await call(sim.url, 'GET', '/__admin/state');
    expect((await call(sim.url, 'GET', '/api/v3/tools', { apiKey: null })).status).toBe(401);

    const refused = await call(sim.url, 'POST', '/api/v3/tools/execute/HUBSPOT_RETRIEVE_DEAL_BY_ID', { apiKey: sim.apiKey, body: { arguments: { dealId: '1' }, user_id: 'sim-user' } });
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ message: 'Rate limit exceeded. Limit: 4 requests per 60 minutes' });
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expectFitsSpec('POST', '/api/v3/tools/execute/HUBSPOT_RETRIEVE_DEAL_BY_ID', refused, undefined, DOCS_429_ERRATA);
    // A refused execution never ran.
    expect(sim.executions()).toEqual([]);
  });

  it('can send the spec\'s Error body on 429 instead', async () => {
    sim = await startComposioSimulator({ rateLimit: { limit: 1, windowMs: 3_600_000, body: 'spec' } });
    await api(sim, 'GET', '/api/v3/tools?limit=1');
    const refused = await api(sim, 'GET', '/api/v3/tools?limit=1');
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ status: 429, code: 429, message: 'Rate limit exceeded. Limit: 1 requests per 60 minutes' });
  });

  it('opens a fresh allowance when the fixed window rolls over', async () => {
    sim = await startComposioSimulator({ rateLimit: { limit: 2, windowMs: 1000 } });
    let res = await call(sim.url, 'GET', '/api/v3/tools?limit=1', { apiKey: sim.apiKey });
    while (res.status === 200) res = await call(sim.url, 'GET', '/api/v3/tools?limit=1', { apiKey: sim.apiKey });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    await sleep(1050);
    const after = await call(sim.url, 'GET', '/api/v3/tools?limit=1', { apiKey: sim.apiKey });
    expect(after.status).toBe(200);
    expect(after.headers.get('x-ratelimit-remaining')).toBe('1');
  });

  it('answers an injected rate-limit storm with the same headers', async () => {
    sim = await startComposioSimulator();
    sim.setFaults({ rateLimitStorm: true });
    const res = await call(sim.url, 'GET', '/api/v3/tools', { apiKey: sim.apiKey });
    expect(res.status).toBe(429);
    expect(res.headers.get('x-ratelimit')).toBe('2000');
    expect(res.headers.get('retry-after')).toBe('60');
    expect(res.body).toEqual({ message: 'Rate limit exceeded. Limit: 2000 requests per 1 minutes' });
  });
});
