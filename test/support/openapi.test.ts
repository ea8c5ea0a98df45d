import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOpenApi } from './openapi.js';

const tiny = {
  openapi: '3.0.3',
  servers: [{ url: 'https://api.example.com/api/v9' }],
  paths: {
    '/things': {
      post: {
        requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/ThingInput' } } } },
        responses: { '201': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } } },
      },
    },
    '/things/{id}': {
      get: { responses: { '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } }, '404': { description: 'none' } } },
    },
    '/things/search': { get: { responses: { default: { content: { 'application/json': { schema: { type: 'array' } } } } } } },
  },
  components: {
    schemas: {
      ThingInput: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
      Thing: {
        type: 'object',
        required: ['id'],
        properties: {
          id: { type: 'integer', format: 'int64' },
          label: { type: 'string', nullable: true, enum: ['a', 'b'] },
          score: { type: 'number', minimum: 0, exclusiveMinimum: true },
          parent: { allOf: [{ $ref: '#/components/schemas/Thing' }], nullable: true },
          owner_id: { type: 'integer' },
        },
      },
    },
  },
};

describe('OpenAPI 3.0 validator', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openapi-'));
  const file = join(dir, 'tiny.json');
  writeFileSync(file, JSON.stringify(tiny));
  const doc = loadOpenApi(file);
  if (!doc) throw new Error('tiny spec not loaded');

  it('resolves $refs, including recursive ones, and accepts a fitting body', () => {
    expect(doc.responseErrors('GET', '/things/{id}', 200, { id: 1, parent: { id: 2, parent: null } })).toEqual([]);
    expect(doc.responseErrors('GET', '/things/{id}', 200, { id: 1, parent: { id: 'two' } })).toContainEqual(
      expect.stringContaining('/parent/id must be integer'),
    );
  });

  it('turns nullable into a null type, also inside enums', () => {
    expect(doc.responseErrors('GET', '/things/{id}', 200, { id: 1, label: null })).toEqual([]);
    expect(doc.responseErrors('GET', '/things/{id}', 200, { id: 1, label: 'c' })).toHaveLength(1);
    expect(doc.responseErrors('GET', '/things/{id}', 200, { id: 1, owner_id: null })).toHaveLength(1);
  });

  it('converts boolean exclusiveMinimum', () => {
    expect(doc.responseErrors('GET', '/things/{id}', 200, { id: 1, score: 0 })).toHaveLength(1);
    expect(doc.responseErrors('GET', '/things/{id}', 200, { id: 1, score: 0.1 })).toEqual([]);
  });

  it('applies errata only at their paths', () => {
    const errata = [{ path: '/owner_id', nullable: true, why: 'test' }];
    expect(doc.responseErrors('GET', '/things/{id}', 200, { id: 1, owner_id: null }, { errata })).toEqual([]);
    expect(doc.responseErrors('GET', '/things/{id}', 200, { id: 1, owner_id: 'x' }, { errata })).toHaveLength(1);
    const keyword = [{ path: '/label', keyword: 'enum', why: 'test' }];
    expect(doc.responseErrors('GET', '/things/{id}', 200, { id: 1, label: 'c' }, { errata: keyword })).toEqual([]);
  });

  it('checks request bodies and reports undeclared statuses', () => {
    expect(doc.requestErrors('POST', '/things', { name: 'n' })).toEqual([]);
    expect(doc.requestErrors('POST', '/things', {})).toEqual([expect.stringContaining("must have required property 'name'")]);
    expect(doc.responseErrors('POST', '/things', 500, {})).toEqual([expect.stringContaining('no response for status 500')]);
    expect(doc.responseErrors('GET', '/things/{id}', 404, undefined)).toEqual([]);
    expect(doc.responseErrors('GET', '/things/search', 418, [])).toEqual([]);
    expect(() => doc.expectResponse('GET', '/things/{id}', 200, {})).toThrow(/required property 'id'/);
  });

  it('matches concrete paths to templates, preferring literal segments', () => {
    expect(doc.templateFor('GET', '/api/v9/things/search?x=1')).toBe('/things/search');
    expect(doc.templateFor('GET', '/things/42')).toBe('/things/{id}');
    expect(doc.templateFor('DELETE', '/things/42')).toBeUndefined();
  });

  it('caches documents per process and throws for a missing file only in CI', () => {
    expect(loadOpenApi(file)).toBe(doc);
    const before = process.env.CI;
    try {
      process.env.CI = 'false';
      expect(loadOpenApi(join(dir, 'absent.yaml'))).toBeUndefined();
      process.env.CI = 'true';
      expect(() => loadOpenApi(join(dir, 'absent.yaml'))).toThrow(/missing/);
    } finally {
      if (before === undefined) delete process.env.CI;
      else process.env.CI = before;
    }
  });
});

describe('OpenAPI validator on a vendor document', () => {
  const v2 = loadOpenApi('pipedrive/v2.yaml');

  it.skipIf(!v2)('rejects a person whose id is a string and accepts the documented shape', () => {
    const spec = v2!;
    expect(spec.responseErrors('GET', '/persons/{id}', 200, { success: true, data: { id: 1, name: 'A', emails: [] } })).toEqual([]);
    expect(spec.responseErrors('GET', '/persons/{id}', 200, { success: true, data: { id: '1' } })).toEqual([
      expect.stringContaining('/data/id must be integer'),
    ]);
    expect(spec.requestErrors('POST', '/deals', { value: 1 })).toEqual([expect.stringContaining("required property 'title'")]);
  });
});
