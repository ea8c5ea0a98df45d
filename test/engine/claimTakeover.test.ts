/**
 * A worker whose claim lapsed mid-call (a stalled process, a slow answer) still settles what it
 * sent when the answer comes, but rows another worker has taken over and settled are not counted
 * twice: progress and `records_written_total` say how many records were written, not how many
 * answers came back.
 */
import { deliverOnce, type DeliveryContext, type SettledSummary } from '../../src/engine/delivery.js';
import type { RunnerOptions } from '../../src/engine/pipelineRunner.js';
import { startEngine, type Engine } from './support/engine.js';
import { listOutbox } from '../../src/state/outbox/queries.js';
import { makeItems } from './support/localDb.js';
import { createTelemetry } from '../../src/telemetry/events.js';
import { createLogger } from '../../src/telemetry/logger.js';
import { createMetrics } from '../../src/telemetry/metrics.js';

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

  it.each(['the taken-over answer last', 'the taken-over answer first'] as const)('reports each record written once in records_written_total, %s', async (order) => {
    engine = await startEngine({ backend, items: makeItems(5), handoff: false });
    const runner = engine.runtime.runners[0]!;
    await runner.pollCycle();
    const delivery = (runner as unknown as { opts: RunnerOptions }).opts.delivery;
    const metrics = createMetrics({ processMetrics: false });
    const telemetry = createTelemetry({ logger: createLogger({ level: 'silent' }), metrics });
    const gated = (gate: Promise<void>): DeliveryContext['target'] => ({ ...delivery.target, write: async (writes, signal) => (await gate, delivery.target.write(writes, signal)) });
    let releaseStalled!: () => void;
    let releaseTaker!: () => void;
    const stalledGate = new Promise<void>((resolve) => (releaseStalled = resolve));
    const takerGate = new Promise<void>((resolve) => (releaseTaker = resolve));
    const signal = new AbortController().signal;
    const stalled = deliverOnce(engine.scope, { ...delivery, worker: 'stalled', leaseMs: 150, claimLimit: 100, telemetry, target: gated(stalledGate) }, signal);
    await new Promise((r) => setTimeout(r, 300));
    // The stalled claim has lapsed: another worker takes the rows over and sends them as well.
    const taker = deliverOnce(engine.scope, { ...delivery, worker: 'taker', claimLimit: 100, telemetry, target: gated(takerGate) }, signal);
    const [first, second] = order === 'the taken-over answer last' ? [releaseTaker, releaseStalled] : [releaseStalled, releaseTaker];
    first();
    await new Promise((r) => setTimeout(r, 200));
    second();
    expect(await Promise.all([stalled, taker])).toEqual([5, 5]);
    const written = (await metrics.recordsWritten.get()).values.reduce((n, v) => n + v.value, 0);
    expect(written).toBe(5);
    expect((await listOutbox(engine.scope, {})).map((r) => r.status)).toEqual(new Array(5).fill('done'));
  });
});
