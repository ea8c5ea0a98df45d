import { createConnectorClient, MemoryBudgetBackend, RateBudget, type ConnectorMetrics } from '../../src/connectors/index.js';
import type { RateLimitSpec } from '../../src/spec/types.js';
import { FixedWindow, RollingWindow } from '../../src/simulators/kit/windows.js';
import { collect, connectorDoc, dealsObject } from './support/doc.js';
import { json, useTestServer } from './support/server.js';

const t = useTestServer();

function clientFor(rateLimit: RateLimitSpec, metrics?: ConnectorMetrics, backend?: MemoryBudgetBackend) {
  const doc = connectorDoc({ baseUrl: t.server.url, rateLimit, objects: { deals: dealsObject({ list: { kind: 'list', path: '/deals', records: 'results' } }) } });
  return createConnectorClient(doc, { connection: { id: 'conn' }, tenant: 't', ...(metrics ? { metrics } : {}), ...(backend ? { budget: backend } : {}) });
}

/** Calls `list` from `workers` loops as fast as they can until `ms` have passed. */
async function drive(call: () => Promise<unknown>, workers: number, ms: number): Promise<void> {
  const end = Date.now() + ms;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (Date.now() < end) await call();
    }),
  );
}

describe('rate budget', () => {
  it('gets at least 95% of a 20 per 500 ms allowance at full speed, with no 429', async () => {
    const window = new RollingWindow(20, 500);
    let accepted = 0;
    let rejected = 0;
    t.handler = (_req, res) => {
      if (!window.tryTake()) {
        rejected++;
        return json(res, 429, { message: 'limit' }, { 'retry-after': '1' });
      }
      accepted++;
      json(res, 200, { results: [] });
    };
    const waits: number[] = [];
    const c = clientFor({ requests: { limit: 20, per: '500ms' } }, { rateLimitWait: (e) => waits.push(e.ms) });
    const ms = 2000;
    await drive(() => collect(c.list('deals')), 8, ms);
    const t0 = t.server.requests[0]?.at ?? 0;
    expect(rejected).toBe(0);
    // Allowance over four windows from the first arrival: 80.
    const inRun = t.server.requests.filter((r) => r.at < t0 + ms).length;
    expect(inRun).toBeGreaterThanOrEqual(0.95 * 20 * (ms / 500));
    expect(waits.length).toBeGreaterThan(0);
  });

  it('slows down when the vendor says its window is nearly used up, and stays clear of 429s', async () => {
    // The vendor allows 10 per second in fixed windows; the static policy wrongly says 100.
    const window = new FixedWindow(10, 1000);
    let rejected = 0;
    t.handler = (_req, res) => {
      const ok = window.tryTake();
      const headers = { 'x-ratelimit-remaining': String(window.remaining()), 'x-ratelimit-limit': '10', 'x-ratelimit-reset': String(Math.ceil(window.msUntilReset() / 1000)) };
      if (!ok) {
        rejected++;
        return json(res, 429, { message: 'limit' }, headers);
      }
      json(res, 200, { results: [] }, headers);
    };
    const c = clientFor({ requests: { limit: 100, per: '1s' }, headers: { remaining: 'x-ratelimit-remaining', limit: 'x-ratelimit-limit', reset: 'x-ratelimit-reset' } });
    await drive(() => collect(c.list('deals')), 1, 2500);
    expect(rejected).toBe(0);
    expect(t.server.requests.length).toBeGreaterThanOrEqual(15);
  });

  it('pauses every call of the connection for a Retry-After and counts the 429', async () => {
    let n = 0;
    t.handler = (_req, res) => (++n === 1 ? json(res, 429, { message: 'slow down' }, { 'retry-after': '1' }) : json(res, 200, { results: [] }));
    let limited = 0;
    const backend = new MemoryBudgetBackend();
    const c = clientFor({ requests: { limit: 1000, per: '1s' } }, { rateLimited: () => limited++ }, backend);
    const first = collect(c.list('deals')).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
    // Another worker on the same connection, sharing the backend, must wait too.
    const other = clientFor({ requests: { limit: 1000, per: '1s' } }, undefined, backend);
    const started = Date.now();
    await collect(other.list('deals'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
    await first;
    expect(limited).toBe(1);
  });

  it('stops at the daily budget, counting operation cost, corrected by the daily-remaining header', async () => {
    let clock = 1_000_000;
    const budget = new RateBudget({ connection: 'c', spec: { daily: { limit: 100 }, utilization: 1, headers: { dailyRemaining: 'x-daily-requests-left' } }, now: () => clock });
    await budget.acquire('requests', 60);
    await budget.observe(new Headers({ 'x-daily-requests-left': '5' }), 'requests');
    const ac = new AbortController();
    const pending = budget.acquire('requests', 10, ac.signal);
    let settled = false;
    void pending.then(() => (settled = true), () => (settled = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(settled).toBe(false);
    ac.abort();
    await expect(pending).rejects.toBeDefined();
    clock += 86_400_000;
    await budget.acquire('requests', 10);
  });

  it('reads Salesforce Sforce-Limit-Info as the daily budget', async () => {
    const budget = new RateBudget({ connection: 'c', spec: { utilization: 0.9, headers: { usage: 'Sforce-Limit-Info' } } });
    await budget.observe(new Headers({ 'sforce-limit-info': 'api-usage=4490/5000; api-bursts=1/750' }), 'requests');
    // 90% of 5000 is 4500: ten units are left.
    await budget.acquire('requests', 10);
    const ac = new AbortController();
    const blocked = budget.acquire('requests', 1, ac.signal);
    const race = await Promise.race([blocked.then(() => 'granted'), new Promise((r) => setTimeout(() => r('waiting'), 30))]);
    expect(race).toBe('waiting');
    ac.abort();
    await blocked.catch(() => undefined);
  });
});
