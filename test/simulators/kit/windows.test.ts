import { RollingWindow } from '../../../src/simulators/kit/windows.js';
import { WebhookDeliverer } from '../../../src/simulators/kit/webhooks.js';

describe('RollingWindow', () => {
  it('allows `limit` hits in any window and frees them as they age out', () => {
    const w = new RollingWindow(3, 1000);
    expect([0, 100, 200, 300].map((t) => w.tryTake(t))).toEqual([true, true, true, false]);
    expect(w.remaining(999)).toBe(0);
    expect(w.msUntilFree(999)).toBe(1);
    expect(w.tryTake(1000)).toBe(true);
    expect(w.remaining(1000)).toBe(0);
    expect(w.remaining(1250)).toBe(2);
  });

  it('stays exact across internal compaction with large limits', () => {
    const w = new RollingWindow(50_000, 10_000);
    let taken = 0;
    for (let t = 0; t < 30_000; t++) if (w.tryTake(t)) taken++;
    expect(taken).toBe(30_000);
    // Hits at 20_001..29_999 are inside the window ending at 29_999+1.
    expect(w.remaining(30_000)).toBe(50_000 - 9_999);
    w.reset();
    expect(w.remaining(30_000)).toBe(50_000);
  });
});

describe('WebhookDeliverer.cancelRetries', () => {
  it('ends pending retry waits so drain() returns promptly', async () => {
    const d = new WebhookDeliverer();
    d.send({ url: 'http://127.0.0.1:9/unreachable', body: '[]', headers: () => ({}), retryDelaysMs: [60_000], timeoutMs: 500 });
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    d.cancelRetries();
    await d.drain();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(d.log).toHaveLength(1);
  });
});
