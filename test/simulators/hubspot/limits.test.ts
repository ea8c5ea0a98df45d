import type { RunningSimulator } from '../../../src/simulators/kit/server.js';
import { call, start } from './helpers.js';

describe('HubSpot rate limits and headers', () => {
  it('sends the rate-limit headers on every API response', async () => {
    const sim = await start();
    try {
      const a = await call(sim, 'GET', '/crm/v3/objects/companies');
      expect(a.headers.get('x-hubspot-ratelimit-max')).toBe('190');
      expect(a.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');
      expect(a.headers.get('x-hubspot-ratelimit-remaining')).toBe('189');
      expect(a.headers.get('x-hubspot-ratelimit-daily')).toBe('1000000');
      expect(a.headers.get('x-hubspot-ratelimit-daily-remaining')).toBe('999999');
      const b = await call(sim, 'GET', '/crm/v3/objects/companies/999');
      expect(b.status).toBe(404);
      expect(b.headers.get('x-hubspot-ratelimit-remaining')).toBe('188');
      expect(b.headers.get('retry-after')).toBeNull();
    } finally {
      await sim.close();
    }
  });

  it('answers the 11th call in a 10-call window with the TEN_SECONDLY_ROLLING 429 body', async () => {
    const sim = await start({ limits: { tenSecond: 10 } });
    try {
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 11; i++) {
        last = await call(sim, 'GET', '/crm/v3/objects/deals');
        statuses.push(last.status);
      }
      expect(statuses).toEqual([...Array(10).fill(200), 429]);
      expect(Object.keys(last!.body).sort()).toEqual(['correlationId', 'errorType', 'message', 'policyName', 'status']);
      expect(last!.body).toMatchObject({ status: 'error', message: 'You have reached your ten_secondly_rolling limit.', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' });
      expect(last!.headers.get('x-hubspot-ratelimit-remaining')).toBe('0');
      // Refused calls do not count against the daily budget.
      expect(last!.headers.get('x-hubspot-ratelimit-daily-remaining')).toBe(String(1_000_000 - 10));
      // The admin API is never limited.
      expect((await call(sim, 'GET', '/__admin/state', undefined, null)).status).toBe(200);
    } finally {
      await sim.close();
    }
  });

  it('answers DAILY when the daily budget is spent, and can send Retry-After when configured', async () => {
    const sim = await start({ limits: { daily: 3 }, sendRetryAfter: true });
    try {
      for (let i = 0; i < 3; i++) expect((await call(sim, 'GET', '/crm/v3/objects/deals')).status).toBe(200);
      const res = await call(sim, 'GET', '/crm/v3/objects/deals');
      expect(res.status).toBe(429);
      expect(res.body).toMatchObject({ message: 'You have reached your daily limit.', policyName: 'DAILY', errorType: 'RATE_LIMIT' });
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await sim.close();
    }
  });

  it('limits search per second with the message the SDK retries on', async () => {
    const sim = await start({ limits: { searchPerSecond: 5 } });
    try {
      const results = await Promise.all(Array.from({ length: 7 }, () => call(sim, 'POST', '/crm/v3/objects/contacts/search', {})));
      const limited = results.filter((r) => r.status === 429);
      expect(limited).toHaveLength(2);
      expect(limited[0]!.body).toMatchObject({ message: 'You have reached your secondly limit.', errorType: 'RATE_LIMIT' });
      // Plain reads are not affected by the search limit.
      expect((await call(sim, 'GET', '/crm/v3/objects/contacts')).status).toBe(200);
    } finally {
      await sim.close();
    }
  });

  describe('kit faults in HubSpot words', () => {
    let sim: RunningSimulator;
    beforeAll(async () => {
      sim = await start();
    });
    afterAll(() => sim.close());

    it('scripted 5xx and 429 storms', async () => {
      sim.scriptFault({ kind: 'server_error', count: 1, status: 502 });
      const err = await call(sim, 'GET', '/crm/v3/objects/deals');
      expect(err.status).toBe(502);
      expect(err.body).toMatchObject({ status: 'error' });
      sim.setFaults({ rateLimitStorm: true });
      const storm = await call(sim, 'GET', '/crm/v3/objects/deals');
      expect(storm.status).toBe(429);
      expect(storm.body.policyName).toBe('TEN_SECONDLY_ROLLING');
      sim.setFaults({ rateLimitStorm: false });
      expect((await call(sim, 'GET', '/crm/v3/objects/deals')).status).toBe(200);
    });

    it('401 INVALID_AUTHENTICATION for a missing or unknown token', async () => {
      for (const token of [null, 'pat-na1-unknown']) {
        const res = await call(sim, 'GET', '/crm/v3/objects/deals', undefined, token);
        expect(res.status).toBe(401);
        expect(res.body).toMatchObject({ status: 'error', category: 'INVALID_AUTHENTICATION' });
      }
    });
  });
});
