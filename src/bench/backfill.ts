/**
 * One backfill in a process of its own, so its peak RSS is its alone:
 * `node dist/bench/backfill.js <records> <sourceDb> <storeFile> <targetUrl>` syncs the source
 * through the engine and prints one JSON line `{records, seconds, maxRssBytes}`.
 */
import { pathToFileURL } from 'node:url';
import { runPipeline } from './pipelineRun.js';

export interface BackfillReport {
  records: number;
  written: number;
  seconds: number;
  /** Peak resident set size of the process (`getrusage` ru_maxrss). */
  maxRssBytes: number;
}

async function main(): Promise<void> {
  const [count, sourceDb, store, targetUrl] = process.argv.slice(2);
  if (!count || !sourceDb || !store || !targetUrl) throw new Error('usage: backfill.js <records> <sourceDb> <storeFile> <targetUrl>');
  const records = Number(count);
  // The parent bounds the run's time (and samples its memory meanwhile).
  const result = await runPipeline({ store, sourceDb, records, targetUrl, timeoutMs: 24 * 3_600_000 });
  const report: BackfillReport = { records, written: result.progress.written, seconds: result.seconds, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

const entry = process.argv[1];
if (entry && pathToFileURL(entry).href === import.meta.url) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
