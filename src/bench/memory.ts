/**
 * Peak RSS of a backfill of 100k and of 1M records (goal: ≤ 256 MB each, and the 1M run within
 * 1.2 × the 100k run, i.e. memory does not grow with the size of the backfill). Each backfill runs
 * in its own process (backfill.ts) against a fresh store; the source rows are generated into a
 * SQLite file first. `BENCH_MEMORY_SIZES=20000,200000` changes the sizes; `BENCH_MEMORY_TIMEOUT_S`
 * bounds each run (default 600).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BackfillReport } from './backfill.js';
import { generateSource } from './project.js';
import { atMost, type BenchResult } from './result.js';
import { runIfMain } from './print.js';
import { spawnTarget } from './target.js';

const MB = 1024 * 1024;

function sizes(): [number, number] {
  const parts = (process.env.BENCH_MEMORY_SIZES ?? '').split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
  return parts.length === 2 ? [parts[0] as number, parts[1] as number] : [100_000, 1_000_000];
}

function label(n: number): string {
  return n >= 1_000_000 && n % 1_000_000 === 0 ? `${n / 1_000_000}M` : n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n);
}

function backfill(records: number, sourceDb: string, store: string, targetUrl: string, timeoutMs: number): Promise<BackfillReport> {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'backfill.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, String(records), sourceDb, store, targetUrl], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    // The peak so far, read from outside, so a run stopped at the time limit still reports one.
    let peak = 0;
    const sample = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peak = Math.max(peak, Number(m[1]) * 1024);
      } catch {
        // The process has just exited.
      }
    }, 1000);
    const timer = setTimeout(() => child.kill(), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      clearInterval(sample);
      if (code === 0) resolve(JSON.parse(out.trim().split('\n').pop() as string) as BackfillReport);
      else reject(new Error(`${signal ? `did not finish within ${timeoutMs / 1000} s` : `failed: ${err.trim()}`} (peak RSS until then ${(peak / MB).toFixed(0)} MB)`));
    });
  });
}

export async function run(): Promise<BenchResult[]> {
  const [small, large] = sizes();
  const timeoutMs = (Number(process.env.BENCH_MEMORY_TIMEOUT_S) || 600) * 1000;
  const dir = await mkdtemp(path.join(tmpdir(), 'syncd-bench-memory-'));
  const target = await spawnTarget();
  const results: BenchResult[] = [];
  try {
    const reports = new Map<number, BackfillReport>();
    for (const n of [small, large]) {
      const source = path.join(dir, `source-${n}.db`);
      generateSource(source, n);
      try {
        const r = await backfill(n, source, path.join(dir, `state-${n}.db`), target.url, timeoutMs);
        if (r.written !== n) throw new Error(`the ${label(n)} backfill wrote ${r.written} of ${n} records`);
        reports.set(n, r);
        results.push(atMost(`peak RSS, ${label(n)} backfill`, r.maxRssBytes / MB, 'MB', 256, `${(n / r.seconds).toFixed(0)} records/s, ${r.seconds.toFixed(1)} s`));
      } catch (err) {
        results.push({ name: `peak RSS, ${label(n)} backfill`, value: Number.NaN, unit: 'MB', goal: '≤ 256', pass: false, note: `the backfill ${err instanceof Error ? err.message : String(err)}` });
      }
    }
    const a = reports.get(small);
    const b = reports.get(large);
    if (a && b) results.push(atMost(`peak RSS ${label(large)} / ${label(small)}`, b.maxRssBytes / a.maxRssBytes, 'ratio', 1.2));
    else results.push({ name: `peak RSS ${label(large)} / ${label(small)}`, value: Number.NaN, unit: 'ratio', goal: '≤ 1.2', pass: false, note: 'a backfill did not finish' });
  } finally {
    await target.close();
    await rm(dir, { recursive: true, force: true });
  }
  return results;
}

runIfMain(import.meta.url, run);
