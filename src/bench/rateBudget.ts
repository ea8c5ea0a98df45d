/**
 * Rate-budget utilisation: the real engine and connector client deliver a backlog to a target that
 * enforces N requests per fixed window (429 + Retry-After past it, x-ratelimit-* headers on every
 * answer). Goal: in the steady state, at least 95 % of the allowance is used and no request draws a
 * 429. The first windows (connection set-up, the source filling the outbox) are not counted.
 * `BENCH_RATE_LIMIT=80/2000` (the default) sets N per window (ms); `BENCH_RATE_WINDOWS=8` how many are measured.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runPipeline } from './pipelineRun.js';
import { generateSource } from './project.js';
import { atLeast, atMost, type BenchResult } from './result.js';
import { runIfMain } from './print.js';
import { spawnTarget } from './target.js';

const SKIPPED_WINDOWS = 3;
/** Records per request: small, so the engine is never what limits the request rate. */
const BATCH = 5;

export async function run(): Promise<BenchResult[]> {
  const [requests, windowMs] = (process.env.BENCH_RATE_LIMIT ?? '80/2000').split('/').map(Number) as [number, number];
  const measured = Number(process.env.BENCH_RATE_WINDOWS) || 8;
  const windows = SKIPPED_WINDOWS + measured;
  // Enough records that the backlog outlasts the measurement.
  const records = Math.ceil(requests * (windows + 3) * BATCH * 1.2);
  const dir = await mkdtemp(path.join(tmpdir(), 'syncd-bench-rate-'));
  const target = await spawnTarget({ requests, windowMs });
  try {
    const sourceDb = path.join(dir, 'source.db');
    generateSource(sourceDb, records);
    let finished!: () => void;
    const measuredEnough = new Promise<void>((resolve) => (finished = resolve));
    const watch = async (): Promise<void> => {
      await target.reset();
      for (;;) {
        await sleep(windowMs / 4);
        if ((await target.stats()).windows.length >= windows) return finished();
      }
    };
    const result = await runPipeline({
      store: path.join(dir, 'state.db'),
      sourceDb,
      records,
      targetUrl: target.url,
      project: { rateLimit: { requests, windowMs }, maxBatch: BATCH, concurrency: 4 },
      onStarted: () => void watch(),
      stopWhen: measuredEnough,
    });
    const stats = await target.stats();
    const steady = stats.windows.slice(SKIPPED_WINDOWS, windows);
    const rejected = stats.rejectedWindows.slice(SKIPPED_WINDOWS, windows).reduce((a, b) => a + b, 0);
    const used = steady.reduce((a, b) => a + b, 0) / (requests * steady.length);
    const note = `${requests} requests / ${windowMs} ms; accepted per window ${steady.join(',')}; ${result.progress.written} records written`;
    return [
      atLeast('rate budget utilisation (steady state)', used * 100, '%', 95, note),
      atMost('429 answers in the steady state', rejected, 'requests', 0, `${stats.rejected} in the whole run`),
    ];
  } finally {
    await target.close();
    await rm(dir, { recursive: true, force: true });
  }
}

runIfMain(import.meta.url, run);
