/**
 * `npm run bench [-- name…] [-- --runs N]`: runs the benchmarks (all, or those named) and prints
 * each median wall time against its goal. Exits 1 when a goal is missed, so CI can gate on it.
 */
import os from 'node:os';
import type { Benchmark, Measurement } from './benchmark.js';
import { validateBenchmark } from './validate.js';
import type { BenchResult } from './result.js';
import { exitWith, formatTable } from './print.js';

/** Timed command benchmarks; a new one is added here. */
const BENCHMARKS: Benchmark[] = [validateBenchmark];

/** Benchmarks that report figures against goals; each module also runs alone (`node dist/bench/<name>.js`). */
const FIGURES: Record<string, { description: string; run: () => Promise<BenchResult[]> }> = {
  engine: { description: 'end-to-end records/s on SQLite and PostgreSQL against an unthrottled local target, and a hand-written baseline', run: async () => (await import('./engine.js')).run() },
  memory: { description: 'peak RSS of a 100k and a 1M record backfill', run: async () => (await import('./memory.js')).run() },
  rate: { description: 'rate-budget utilisation against a target enforcing N requests per window', run: async () => (await import('./rateBudget.js')).run() },
  simulators: { description: 'requests/s each simulator serves on loopback', run: async () => (await import('./simulators.js')).run() },
};

function parseArgs(argv: string[]): { names: string[]; runs?: number } {
  const names: string[] = [];
  let runs: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--runs') runs = Number(argv[++i]);
    else names.push(a);
  }
  if (runs !== undefined && !(Number.isInteger(runs) && runs > 0)) throw new Error('--runs takes a positive whole number');
  return { names, ...(runs !== undefined ? { runs } : {}) };
}

function row(m: Measurement): string {
  const flag = m.medianMs <= m.goalMs ? 'PASS' : 'MISS';
  const runs = m.runsMs.map((r) => r.toFixed(0)).join(' ');
  const cpu = m.medianCpuMs !== undefined ? `   cpu ${m.medianCpuMs.toFixed(0).padStart(5)} ms` : '';
  return `  ${flag}  ${m.label.padEnd(46)} median ${m.medianMs.toFixed(0).padStart(5)} ms   goal ≤ ${String(m.goalMs).padStart(4)} ms${cpu}   runs: ${runs}`;
}

async function runAll(argv: string[]): Promise<number> {
  const { names, runs } = parseArgs(argv);
  const known = [...BENCHMARKS.map((b) => b.name), ...Object.keys(FIGURES)];
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length) {
    process.stderr.write(`unknown benchmark ${unknown.join(', ')}; known: ${known.join(', ')}\n`);
    return 2;
  }
  const selected = names.length ? BENCHMARKS.filter((b) => names.includes(b.name)) : BENCHMARKS;
  const figures = Object.entries(FIGURES).filter(([n]) => !names.length || names.includes(n));
  const [load1] = os.loadavg();
  process.stdout.write(`node ${process.version}, ${os.cpus().length} cores, load average ${(load1 ?? 0).toFixed(2)}\n`);
  let missed = 0;
  for (const b of selected) {
    process.stdout.write(`\n${b.name}: ${b.description}\n`);
    const results = await b.run(runs !== undefined ? { runs } : {});
    for (const m of results) {
      process.stdout.write(row(m) + '\n');
      if (m.medianMs > m.goalMs) missed++;
    }
  }
  for (const [name, f] of figures) {
    process.stdout.write(`\n${name}: ${f.description}\n`);
    const results = await f.run();
    process.stdout.write(formatTable(results));
    missed += results.filter((r) => r.pass === false).length;
  }
  process.stdout.write(missed ? `\n${missed} goal${missed === 1 ? '' : 's'} missed\n` : '\nall goals met\n');
  // Wall time is what the goals are about, but it grows with whatever else the machine runs.
  if ((os.loadavg()[0] ?? 0) > os.cpus().length) process.stdout.write('note: the machine was busy (load above its core count); the cpu column is the steadier figure\n');
  return missed ? 1 : 0;
}

exitWith(await runAll(process.argv.slice(2)));
