/**
 * `syncd validate` over 200 generated pipelines plus the example connectors (goal: 1.5 s on two
 * cores), and `syncd --help` (goal: 300 ms): the two commands a CI job and a newcomer run first.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { measure, ROOT, type Benchmark } from './benchmark.js';
import { generatePipelines } from './generatePipelines.js';

export const PIPELINE_COUNT = 200;
export const VALIDATE_GOAL_MS = 1500;
export const HELP_GOAL_MS = 300;

export const validateBenchmark: Benchmark = {
  name: 'validate',
  description: `syncd validate over ${PIPELINE_COUNT} generated pipelines, and syncd --help`,
  async run(opts) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'syncd-bench-validate-'));
    try {
      await generatePipelines(dir, PIPELINE_COUNT);
      // `measure` requires exit 0, so the generated files are known to be valid: the clean path
      // through every stage is what is timed, not an early stop on an error.
      const validate = measure(`syncd validate (${PIPELINE_COUNT} pipelines + connectors/)`, ['validate', dir, path.join(ROOT, 'connectors')], opts.runs ?? 5, VALIDATE_GOAL_MS);
      const help = measure('syncd --help', ['--help'], opts.runs ?? 10, HELP_GOAL_MS);
      return [validate, help];
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
