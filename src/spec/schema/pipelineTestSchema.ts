/** The JSON Schema of `kind: PipelineTest` files (`*.test.yaml`, run by `syncd test`). */
import type { JsonSchema } from '../components/registry.js';
import { integer, name, strictObject, text } from '../components/fragments.js';
import { API_VERSION } from './common.js';

const expectedWrite = strictObject(
  {
    record: text('Key of the record the write is for.'),
    operation: text('Target operation expected.'),
    values: { type: 'object', description: 'Exactly the target properties and values written.' },
  },
  ['record', 'values'],
);

export function pipelineTestSchema(): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://syncd.dev/schemas/pipeline-test.v1.schema.json',
    title: `syncd PipelineTest (${API_VERSION})`,
    description: 'Offline tests of a pipeline: input records in, expected writes out.',
    type: 'object',
    properties: {
      apiVersion: { const: API_VERSION },
      kind: { const: 'PipelineTest' },
      metadata: strictObject({ name: name('Name of the test file.'), description: text('What it covers.') }, ['name']),
      spec: strictObject(
        {
          pipeline: name('The pipeline under test.'),
          cases: {
            type: 'array',
            minItems: 1,
            items: strictObject(
              {
                name: text('What the case shows.'),
                tenant: text('Tenant whose overrides apply. Default: default.'),
                input: { type: 'array', items: { type: 'object' }, description: 'Source records, as the source would read them.' },
                links: {
                  type: 'array',
                  description: 'Records of other pipelines already linked to the CRM, for the fields that reference them.',
                  items: strictObject(
                    {
                      pipeline: name('The pipeline a field reference names.'),
                      key: text('The linked record’s local key.'),
                      id: text('Its CRM id.'),
                    },
                    ['pipeline', 'key', 'id'],
                  ),
                },
                expect: strictObject(
                  {
                    writes: { type: 'array', items: expectedWrite, description: 'Every write expected, no more.' },
                    filtered: integer('Records dropped by filters.', 0),
                    skipped: integer('Records skipped (no match with onNoMatch: skip, held by a conflict).', 0),
                    failed: integer('Records whose transforms failed.', 0),
                    conflicts: integer('Conflicts opened.', 0),
                    waiting: integer('Records waiting for a record they reference to be linked.', 0),
                  },
                  [],
                ),
              },
              ['name', 'input', 'expect'],
            ),
          },
        },
        ['pipeline', 'cases'],
      ),
    },
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    additionalProperties: false,
  };
}
