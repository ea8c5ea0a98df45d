/**
 * A worker whose claim lapsed mid-call (a stalled process, a slow answer) still settles what it
 * sent when the answer comes, but rows another worker has taken over and settled are not counted
 * twice: progress says how many records were written, not how many answers came back.
 */
import { deliverOnce, type DeliveryContext, type SettledSummary } from '../../src/engine/delivery.js';
import type { RunnerOptions } from '../../src/engine/pipelineRunner.js';
import { startEngine, type Engine } from './support/engine.js';
import { makeItems } from './support/localDb.js';

let engine: Engine | undefined;

afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

describe.each(['sqlite', 'postgres'] as const)('a claim taken over while its call was out, on %s', (backend) => {
  it('counts each record written once, whichever worker settles it first', async () => {
    engine = await startEngine({ backend, items: makeItems(5), handoff: false });
    const runner = engine.runtime.runners[0]!;
    await runner.pollCycle();
    const delivery = (runner as unknown as { opts: RunnerOptions }).opts.delivery;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const summaries: SettledSummary[] = [];
    const stalled: DeliveryContext = {
      ...delivery,
      worker: 'stalled',
      leaseMs: 150,
      claimLimit: 100,
      target: { ...delivery.target, maxBatch: (op) => delivery.target.maxBatch(op), write: async (writes, signal) => (await gate, delivery.target.write(writes, signal)) },
      onSettled: (s) => summaries.push(s),
    };
    const out = deliverOnce(engine.scope, stalled, new AbortController().signal);
    // The engine waits for the stalled claim to lapse, takes the rows over and writes them.
    await engine.settle();
    expect(runner.progress.written).toBe(5);
    release();
    expect(await out).toBe(5);

    expect(summaries).toEqual([{ ok: 0, retried: 0, deadLettered: 0, failed: 0, pausedForAuth: 0 }]);
    // Both calls reached the target; the second found every record already as it asked.
    expect(Object.values(engine.target.stats().unchanged)).toEqual(new Array(5).fill(1));
  });
});
