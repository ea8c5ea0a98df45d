/**
 * The validate benchmark's input: pipelines varied from the shipped ones. Every generated file must
 * validate, or the benchmark times an error report instead of a validation.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generatePipelines } from '../../src/bench/generatePipelines.js';
import { validatePaths } from '../../src/spec/validate/index.js';

it('generates pipelines that all validate against the shipped connectors (pipeline tests left out)', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'syncd-generated-'));
  try {
    const files = await generatePipelines(dir, 30);
    expect(files).toHaveLength(30);
    const result = await validatePaths([dir, 'connectors']);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.files.filter((f) => f.kind === 'Pipeline')).toHaveLength(30);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
