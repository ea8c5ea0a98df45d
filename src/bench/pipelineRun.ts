/**
 * One benchmark sync through the real engine: the generated project loaded and validated like a
 * user's, a `Runtime` on the given store, started as the daemon runs it (source and delivery
 * streams concurrently), until every source record has been written and settled.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadProject } from '../engine/project.js';
import { Runtime } from '../engine/runtime.js';
import type { RunnerProgress } from '../engine/pipelineRunner.js';
import { BENCH_PIPELINE, benchEnv, writeBenchProject, type BenchProjectOptions } from './project.js';

export interface PipelineRunOptions {
  /** State store URL (a SQLite file or postgres://). */
  store: string;
  /** The source SQLite file (see `generateSource`). */
  sourceDb: string;
  /** How many records the source holds: the run ends when they are all settled. */
  records: number;
  targetUrl: string;
  project?: BenchProjectOptions;
  /** Records per source page. Default: 1000. */
  pageSize?: number;
  /** Gives up after this long. Default: 10 minutes. */
  timeoutMs?: number;
  /** Called when the runtime is running, e.g. to sample the target. */
  onStarted?: () => void;
  /** Ends the run early when it resolves (a time-bounded measurement). */
  stopWhen?: Promise<unknown>;
}

export interface PipelineRunResult {
  seconds: number;
  /** CPU time of this process during the run (user + system), in seconds. */
  cpuSeconds: number;
  progress: RunnerProgress;
  errors: string[];
}

export async function benchProjectDir(opts: BenchProjectOptions = {}): Promise<string[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'syncd-bench-project-'));
  return writeBenchProject(dir, opts);
}

export async function runPipeline(opts: PipelineRunOptions): Promise<PipelineRunResult> {
  const project = await loadProject(await benchProjectDir(opts.project));
  const errors: string[] = [];
  let settled: (() => void) | undefined;
  const done = new Promise<void>((resolve) => (settled = resolve));
  const rt = await Runtime.create({
    project,
    store: opts.store,
    pipelines: [BENCH_PIPELINE],
    env: benchEnv(opts.targetUrl, opts.sourceDb),
    pageSize: opts.pageSize ?? 1000,
    onProgress: (p) => {
      if (p.written + p.rejected + p.deadLettered + p.failed + p.skipped >= opts.records) settled?.();
    },
    onError: (pipeline, stage, err) => {
      if (errors.length < 20) errors.push(`${pipeline} ${stage}: ${err instanceof Error ? err.message : String(err)}`);
    },
  });
  const runner = rt.runners[0];
  if (!runner) throw new Error('the bench pipeline did not compile to a runner');
  const started = performance.now();
  const cpu = process.cpuUsage();
  rt.start();
  opts.onStarted?.();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), opts.timeoutMs ?? 600_000)));
  const outcome = await Promise.race([done.then(() => 'done' as const), timeout, ...(opts.stopWhen ? [opts.stopWhen.then(() => 'done' as const)] : [])]);
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  clearTimeout(timer);
  await rt.stop();
  if (outcome === 'timeout') throw new Error(`the bench sync did not finish in time: ${JSON.stringify(runner.progress)}; ${errors.join('; ')}`);
  return { seconds, cpuSeconds: (used.user + used.system) / 1e6, progress: { ...runner.progress }, errors };
}
