/** What a benchmark is, and how one measures the wall time of a `syncd` command. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (benchmarks run from dist/bench/). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface Measurement {
  /** What was timed, e.g. `syncd validate (200 pipelines + 6 connectors)`. */
  label: string;
  /** Median wall time of the runs, in milliseconds. */
  medianMs: number;
  /** Every run's wall time, in milliseconds, in the order they ran. */
  runsMs: number[];
  /** The goal the median must not exceed, in milliseconds. */
  goalMs: number;
  /**
   * Median CPU time (user + system) of the runs, in milliseconds, where the platform tells
   * (Linux). On a busy machine wall time grows with the load; CPU time much less.
   */
  medianCpuMs?: number;
}

export interface BenchOptions {
  /** Timed runs per measurement (after one untimed warm-up run). Default: each benchmark's own. */
  runs?: number;
}

export interface Benchmark {
  /** Short name to select it: `npm run bench -- validate`. */
  name: string;
  description: string;
  run(opts: BenchOptions): Promise<Measurement[]>;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export class CommandFailed extends Error {
  constructor(
    readonly args: string[],
    readonly status: number | null,
    readonly output: string,
  ) {
    super(`\`syncd ${args.join(' ')}\` exited ${status}:\n${output.slice(0, 2000)}`);
    this.name = 'CommandFailed';
  }
}

/** User + system time of this process's finished children, in milliseconds (Linux only). */
function childrenCpuMs(): number | undefined {
  try {
    // Fields after the command name; cutime and cstime are the 16th and 17th of the whole line.
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // USER_HZ is 100 on every Linux platform Node supports.
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return undefined;
  }
}

/** Wall (and CPU) time of `node bin/syncd <args>` as a user would start it; it must exit 0. */
export function timeSyncd(args: string[]): { wallMs: number; cpuMs?: number } {
  const cpuBefore = childrenCpuMs();
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/syncd'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new CommandFailed(args, r.status, `${r.stdout}${r.stderr}`);
  const cpuAfter = childrenCpuMs();
  return { wallMs, ...(cpuBefore !== undefined && cpuAfter !== undefined ? { cpuMs: cpuAfter - cpuBefore } : {}) };
}

/** One warm-up run (file cache), then `runs` timed ones. */
export function measure(label: string, args: string[], runs: number, goalMs: number): Measurement {
  timeSyncd(args);
  const timed = Array.from({ length: runs }, () => timeSyncd(args));
  const runsMs = timed.map((t) => t.wallMs);
  const cpu = timed.map((t) => t.cpuMs).filter((c): c is number => c !== undefined);
  return { label, medianMs: median(runsMs), runsMs, goalMs, ...(cpu.length === runs ? { medianCpuMs: median(cpu) } : {}) };
}
