/** `syncd test [paths..]`: runs the `*.test.yaml` pipeline tests offline. Exit 0 all pass, 1 otherwise. */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { readSpecFile } from '../../spec/yaml/parse.js';
import { locate } from '../../spec/yaml/locate.js';
import { pipelineTestSchema } from '../../spec/schema/pipelineTestSchema.js';
import { loadSpecs } from '../specs.js';
import { runPipelineTestCase, type PipelineTestCase } from '../../engine/pipelineTest.js';
import { UserError, type CommandIO } from '../io.js';

async function findTests(inputs: string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (p: string): Promise<void> => {
    const st = await stat(p).catch(() => undefined);
    if (!st) throw new UserError(`no such file or folder: ${p}`);
    if (st.isFile()) {
      out.push(p);
      return;
    }
    for (const e of (await readdir(p, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(p, e.name);
      if (e.isDirectory()) await walk(full);
      else if (/\.test\.ya?ml$/.test(e.name)) out.push(full);
    }
  };
  for (const i of inputs) await walk(i);
  return out;
}

export async function runTests(args: { paths: string[]; specs: string[] }, io: CommandIO): Promise<number> {
  const project = await loadSpecs(args.specs);
  const files = await findTests(args.paths);
  if (files.length === 0) throw new UserError(`no *.test.yaml files in ${args.paths.join(', ')}`);
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(pipelineTestSchema());
  let passed = 0;
  let failed = 0;
  for (const file of files) {
    const read = await readSpecFile(file);
    if (!read.ok) {
      for (const d of read.diagnostics) io.out(`${d.file}:${d.line}:${d.col}  ${d.message}  [${d.code}]\n`);
      failed++;
      continue;
    }
    if (!validate(read.parsed.value)) {
      for (const e of validate.errors ?? []) {
        const segs = e.instancePath.split('/').slice(1).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
        const loc = locate(read.parsed, segs);
        io.out(`${file}:${loc.line}:${loc.col}  ${e.instancePath || '(document)'} ${e.message ?? 'is invalid'}\n`);
      }
      failed++;
      continue;
    }
    const spec = (read.parsed.value as { spec: { pipeline: string; cases: PipelineTestCase[] } }).spec;
    const pipeline = project.pipelines.find((p) => p.metadata.name === spec.pipeline);
    if (!pipeline) {
      const loc = locate(read.parsed, ['spec', 'pipeline']);
      io.out(`${file}:${loc.line}:${loc.col}  no pipeline named ${spec.pipeline}\n`);
      failed++;
      continue;
    }
    io.out(`${file} (${spec.pipeline})\n`);
    for (const c of spec.cases) {
      const r = await runPipelineTestCase(pipeline, project.connectors, c, new Map(project.pipelines.map((p) => [p.metadata.name, p])));
      if (r.ok) passed++;
      else failed++;
      io.out(`  ${r.ok ? '✓' : '✗'} ${r.name}\n`);
      for (const p of r.problems) io.out(`      ${p}\n`);
    }
  }
  io.out(`\n${passed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}
