/**
 * Writes that failed together come due together: the next claim takes them as one batch again,
 * however far the clock moves while their round is settled. Split, they cost a call each under
 * the same fault (and under a 429, more calls against the budget).
 */
import { deliverOnce, type DeliveryContext } from '../../src/engine/delivery.js';
import type { RunnerOptions } from '../../src/engine/pipelineRunner.js';
import { listOutbox } from '../../src/state/outbox/queries.js';
import { openStore, type Store } from '../../src/state/store.js';
import { backends } from './support/backends.js';
import { startEngine, type Engine } from './support/engine.js';
import { makeItems } from './support/localDb.js';

let engine: Engine | undefined;
let ticking: Store | undefined;

afterEach(async () => {
  await ticking?.close();
  await engine?.close();
  engine = ticking = undefined;
});

describe.each(backends)('a failed round sent back for retry, on %s', (backend) => {
  it('gives every write of the round one due time while the clock moves on', async () => {
    engine = await startEngine({ backend, items: makeItems(5), handoff: false });
    const runner = engine.runtime.runners[0]!;
    await runner.pollCycle();
    // A store whose clock moves a millisecond each time it is read.
    let now = Date.now();
    ticking = openStore({ url: engine.urls.store, clock: () => now++, secretKey: engine.urls.secretKey, env: {} });
    const delivery = (runner as unknown as { opts: RunnerOptions }).opts.delivery;
    const failing: DeliveryContext = {
      ...delivery,
      claimLimit: 100,
      target: { ...delivery.target, write: async (writes) => writes.map(() => ({ ok: false as const, errorClass: 'transient', message: '502 Bad Gateway' })) },
    };
    expect(await deliverOnce(ticking.forTenant('default'), failing, new AbortController().signal)).toBe(5);

    const rows = await listOutbox(engine.scope, { pipeline: delivery.pipeline });
    expect(rows.map((r) => r.status)).toEqual(new Array(5).fill('pending'));
    expect(new Set(rows.map((r) => r.nextAttemptAt)).size).toBe(1);
  });
});
