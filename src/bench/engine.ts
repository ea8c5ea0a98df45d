/**
 * End-to-end throughput: a table source with a JSONata transform and owned field maps → outbox
 * → connector client → an unthrottled local HTTP target (in its own process), on SQLite and on
 * PostgreSQL, against a hand-written script doing the same sync without state.
 *
 * Each measurement runs once untimed on a small data set (JIT warm-up, connection pools), then
 * timed on a fresh store and source. `BENCH_ENGINE_RECORDS` sets the timed size (default 100,000).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runBaseline } from './baseline.js';
import { runPipeline, type PipelineRunResult } from './pipelineRun.js';
import { startPostgres } from './postgres.js';
import { generateSource } from './project.js';
import { atLeast, info, type BenchResult } from './result.js';
import { runIfMain } from './print.js';
import { spawnTarget, type RunningTarget } from './target.js';

const WARMUP_RECORDS = 10_000;

function recordsFromEnv(): number {
  const n = Number(process.env.BENCH_ENGINE_RECORDS);
  return Number.isInteger(n) && n > 0 ? n : 100_000;
}

async function sync(target: RunningTarget, dir: string, store: string, records: number, label: string): Promise<PipelineRunResult & { duplicates: number }> {
  const sourceDb = path.join(dir, `${label}-source.db`);
  generateSource(sourceDb, records);
  await target.reset();
  const result = await runPipeline({ store, sourceDb, records, targetUrl: target.url });
  const stats = await target.stats();
  if (result.progress.written < records || stats.records < records) {
    throw new Error(`${label}: expected ${records} records written, engine says ${result.progress.written}, target received ${stats.records}; ${result.errors.join('; ')}`);
  }
  // At-least-once allows a record to reach the target twice; it is reported, never hidden.
  return { ...result, duplicates: stats.records - records };
}

export async function run(): Promise<BenchResult[]> {
  const records = recordsFromEnv();
  const dir = await mkdtemp(path.join(tmpdir(), 'syncd-bench-engine-'));
  const target = await spawnTarget();
  const results: BenchResult[] = [];
  try {
    // Baseline: warm-up, then timed.
    const baseSource = path.join(dir, 'baseline-source.db');
    generateSource(baseSource, records);
    await runBaseline({ sourceDb: baseSource, targetUrl: target.url });
    await target.reset();
    const base = await runBaseline({ sourceDb: baseSource, targetUrl: target.url });
    const baseRate = base.records / base.seconds;
    results.push(info('baseline script (no state)', baseRate, 'records/s', `${base.records} records in ${base.seconds.toFixed(2)} s`));

    await sync(target, dir, path.join(dir, 'warmup-state.db'), WARMUP_RECORDS, 'sqlite-warmup');
    const lite = await sync(target, dir, path.join(dir, 'state.db'), records, 'sqlite');
    const liteRate = records / lite.seconds;
    results.push(atLeast('engine end-to-end, SQLite', liteRate, 'records/s', 25_000, `${records} records in ${lite.seconds.toFixed(2)} s; ${(records / lite.cpuSeconds).toFixed(0)} per CPU-second${lite.duplicates ? `; ${lite.duplicates} records delivered twice` : ''}`));
    results.push(info('engine / baseline, SQLite', liteRate / baseRate, 'ratio'));

    const pg = await startPostgres();
    try {
      await sync(target, dir, await pg.createDatabase('bench_warmup'), WARMUP_RECORDS, 'postgres-warmup');
      const res = await sync(target, dir, await pg.createDatabase('bench'), records, 'postgres');
      const pgRate = records / res.seconds;
      results.push(atLeast('engine end-to-end, PostgreSQL', pgRate, 'records/s', 12_000, `${records} records in ${res.seconds.toFixed(2)} s; ${(records / res.cpuSeconds).toFixed(0)} per CPU-second${res.duplicates ? `; ${res.duplicates} records delivered twice` : ''}`));
      results.push(info('engine / baseline, PostgreSQL', pgRate / baseRate, 'ratio'));
    } finally {
      await pg.stop();
    }
  } finally {
    await target.close();
    await rm(dir, { recursive: true, force: true });
  }
  return results;
}

runIfMain(import.meta.url, run);
