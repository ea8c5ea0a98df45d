import { acquireLease, getLease, releaseLease, renewLease } from '../../src/state/index.js';
import { backends, useStore } from './harness.js';

describe.each(backends)('leases on %s', (backend) => {
  const h = useStore(backend);

  it('go to one holder until they expire, then are taken over with a new token', async () => {
    const t = h.tenant();
    const a = await acquireLease(t, 'poll:quotes', 'worker-a', 10_000);
    expect(a).toEqual({
      acquired: true,
      lease: { name: 'poll:quotes', holder: 'worker-a', token: 1, acquiredAt: h.clock.now, expiresAt: h.clock.now + 10_000 },
    });
    expect(await acquireLease(t, 'poll:quotes', 'worker-b', 10_000)).toEqual({ acquired: false, holder: 'worker-a', expiresAt: h.clock.now + 10_000 });
    h.clock.advance(9_999);
    expect((await acquireLease(t, 'poll:quotes', 'worker-b', 10_000)).acquired).toBe(false);
    h.clock.advance(1);
    const b = await acquireLease(t, 'poll:quotes', 'worker-b', 10_000);
    expect(b).toMatchObject({ acquired: true, lease: { holder: 'worker-b', token: 2, acquiredAt: h.clock.now } });
    // The old holder has lost it: renewing fails, and its release does not free b's lease.
    expect(await renewLease(t, 'poll:quotes', 'worker-a', 10_000)).toBeUndefined();
    expect(await releaseLease(t, 'poll:quotes', 'worker-a')).toBe(false);
    expect((await getLease(t, 'poll:quotes'))?.holder).toBe('worker-b');
  });

  it('are extended by their holder without changing the token', async () => {
    const t = h.tenant();
    await acquireLease(t, 'l', 'a', 1000);
    h.clock.advance(800);
    expect(await renewLease(t, 'l', 'a', 1000)).toMatchObject({ token: 1, expiresAt: h.clock.now + 1000 });
    h.clock.advance(800);
    expect(await acquireLease(t, 'l', 'b', 1000)).toMatchObject({ acquired: false });
    expect(await acquireLease(t, 'l', 'a', 1000)).toMatchObject({ acquired: true, lease: { token: 1 } });
  });

  it('are free at once after release', async () => {
    const t = h.tenant();
    await acquireLease(t, 'l', 'a', 60_000);
    expect(await releaseLease(t, 'l', 'a')).toBe(true);
    expect(await acquireLease(t, 'l', 'b', 60_000)).toMatchObject({ acquired: true, lease: { holder: 'b', token: 1 } });
  });
});

describe('leases raced by several processes on postgres', () => {
  const h = useStore('postgres');

  it('have exactly one winner per round, fresh or expired', async () => {
    const stores = Array.from({ length: 4 }, () => h.open({ poolMax: 1 }));
    let holder: string | undefined;
    for (let round = 0; round < 15; round++) {
      // The last holder sits the round out, so every round after the first is a takeover.
      const racers = stores.map((s, i) => ({ s, name: `w${i}` })).filter((r) => r.name !== holder);
      const results = await Promise.all(racers.map((r) => acquireLease(r.s.forTenant('race'), 'poll:signals', r.name, 1000)));
      const winners = results.filter((r) => r.acquired);
      expect(winners).toHaveLength(1);
      holder = winners[0]?.lease.holder;
      // Let it expire so the next round races for a takeover.
      h.clock.advance(1000);
    }
    // One token per holder: the first acquisition and fourteen takeovers.
    expect((await getLease(h.store.forTenant('race'), 'poll:signals'))?.token).toBe(15);
  });
});
