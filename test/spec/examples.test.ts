/**
 * The connector and pipeline files shipped in the repository are the format's showcase: they
 * validate with no diagnostic at all, through the validator and through the committed JSON
 * Schemas alone (what an editor sees), and each names its schema on its first line.
 */
import { readdir, readFile, access } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { validatePaths } from '../../src/spec/validate/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FOLDERS = { connectors: 'Connector', pipelines: 'Pipeline' } as const;

async function examples(): Promise<Array<{ file: string; kind: 'Connector' | 'Pipeline' }>> {
  const out: Array<{ file: string; kind: 'Connector' | 'Pipeline' }> = [];
  for (const [folder, kind] of Object.entries(FOLDERS)) {
    // Pipeline tests (`*.test.yaml`) have their own kind and schema, checked below.
    for (const name of (await readdir(path.join(ROOT, folder))).filter((f) => /\.ya?ml$/.test(f) && !/\.test\.ya?ml$/.test(f)).sort()) out.push({ file: path.join(folder, name), kind });
  }
  return out;
}

const EXAMPLES = await examples();

describe('example files', () => {
  it('include connectors and pipelines', () => {
    expect(EXAMPLES.filter((e) => e.kind === 'Connector').length).toBeGreaterThanOrEqual(3);
    expect(EXAMPLES.filter((e) => e.kind === 'Pipeline').length).toBeGreaterThanOrEqual(3);
  });

  it('validate together with no diagnostic, not even a warning', async () => {
    const result = await validatePaths([path.join(ROOT, 'connectors'), path.join(ROOT, 'pipelines')], { strict: true });
    expect(result.diagnostics).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.files).toHaveLength(EXAMPLES.length);
    expect(result.catalog.connectors.size + result.catalog.pipelines.size).toBe(EXAMPLES.length);
  });

  describe('against the committed schemas alone', () => {
    // A fresh Ajv that knows nothing but the two files in schemas/, as an editor would load them.
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
    const validatorFor = async (schemaFile: string) => {
      let v = compiled.get(schemaFile);
      if (!v) {
        v = ajv.compile(JSON.parse(await readFile(schemaFile, 'utf8')) as object);
        compiled.set(schemaFile, v);
      }
      return v;
    };

    it.each(EXAMPLES)('$file', async ({ file, kind }) => {
      const text = await readFile(path.join(ROOT, file), 'utf8');
      const first = text.split('\n', 1)[0] ?? '';
      const m = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
      expect(m, `first line of ${file} names its schema`).not.toBeNull();
      const schemaFile = path.resolve(path.dirname(path.join(ROOT, file)), m![1]!);
      await access(schemaFile);
      expect(path.basename(schemaFile)).toBe(`${kind.toLowerCase()}.v1.schema.json`);
      expect(path.dirname(schemaFile)).toBe(path.join(ROOT, 'schemas'));

      const doc = parse(text) as { kind?: string };
      expect(doc.kind).toBe(kind);
      const validate = await validatorFor(schemaFile);
      const valid = validate(doc);
      expect(validate.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    });

    it('reject a broken document (the schemas are not vacuous)', async () => {
      const validate = await validatorFor(path.join(ROOT, 'schemas/pipeline.v1.schema.json'));
      const doc = parse(await readFile(path.join(ROOT, 'pipelines/quotey-deals-hubspot.yaml'), 'utf8')) as { spec: Record<string, unknown> };
      doc.spec.shedule = doc.spec.source;
      expect(validate(doc)).toBe(false);
      expect(validate.errors?.map((e) => e.keyword)).toContain('additionalProperties');
    });
  });
});

describe('example pipeline tests', () => {
  it('validate against the committed PipelineTest schema and name it on their first line', async () => {
    const files = (await readdir(path.join(ROOT, 'pipelines'))).filter((f) => /\.test\.ya?ml$/.test(f));
    expect(files.length).toBeGreaterThanOrEqual(1);
    const schema = JSON.parse(await readFile(path.join(ROOT, 'schemas/pipeline-test.v1.schema.json'), 'utf8')) as object;
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    for (const f of files) {
      const text = await readFile(path.join(ROOT, 'pipelines', f), 'utf8');
      expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schemas/pipeline-test.v1.schema.json');
      expect(validate(parse(text)), `${f}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });
});
