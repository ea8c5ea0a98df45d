import type { AddressInfo } from 'node:net';
import { serveTarget } from '../../src/bench/target.js';
import { formatTable } from '../../src/bench/print.js';
import { atLeast, atMost } from '../../src/bench/result.js';

const upsert = (url: string, n: number) =>
  fetch(`${url}/accounts/batch/upsert`, { method: 'POST', body: JSON.stringify({ inputs: Array.from({ length: n }, (_, i) => ({ id: `k${i}`, properties: {} })) }) });

describe('bench target', () => {
  it('answers one result per input and counts records', async () => {
    const server = await serveTarget();
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const res = await upsert(url, 3);
      expect(((await res.json()) as { results: Array<{ id: string }> }).results.map((r) => r.id)).toEqual(['k0', 'k1', 'k2']);
      await upsert(url, 2);
      expect(await (await fetch(`${url}/__stats`)).json()).toMatchObject({ requests: 2, records: 5, rejected: 0 });
    } finally {
      server.close();
    }
  });

  it('enforces N requests per window with 429, Retry-After and x-ratelimit headers', async () => {
    const server = await serveTarget({ requests: 2, windowMs: 60_000 });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const first = await upsert(url, 1);
      expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
      expect(first.headers.get('x-ratelimit-limit')).toBe('2');
      expect(Number(first.headers.get('x-ratelimit-reset'))).toBeGreaterThan(50);
      expect((await upsert(url, 1)).status).toBe(200);
      const third = await upsert(url, 1);
      expect(third.status).toBe(429);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(50);
      expect(await (await fetch(`${url}/__stats`)).json()).toMatchObject({ requests: 2, records: 2, rejected: 1 });
    } finally {
      server.close();
    }
  });
});

describe('bench table', () => {
  it('shows the ratio to the goal and PASS or MISS', () => {
    const text = formatTable([atLeast('fast', 30_000, 'records/s', 25_000), atMost('small', 300, 'MB', 256)]);
    expect(text).toMatch(/fast\s+30,000\s+records\/s\s+≥ 25000\s+1\.20×\s+PASS/);
    expect(text).toMatch(/small\s+300\s+MB\s+≤ 256\s+0\.85×\s+MISS/);
  });
});
