import { FieldCodec } from '../../src/connectors/codec/fields.js';
import { compileExpression } from '../../src/connectors/expression.js';
import { fieldsHook } from '../../src/vendors/index.js';
import { salesforceErrorMessage } from '../../src/vendors/salesforce/errorMessage.js';
import type { PropertySpec } from '../../src/spec/types.js';

const PROPS: Record<string, PropertySpec> = {
  name: { type: 'string' },
  amount: { type: 'number' },
  seats: { type: 'integer' },
  won: { type: 'boolean' },
  closeDate: { type: 'date', wireName: 'closedate' },
  lastSeen: { type: 'datetime' },
  tags: { type: 'json' },
};

describe('HubSpot hooks', () => {
  const codec = new FieldCodec('deals', PROPS, { encode: fieldsHook('hubspot.encodeProperties'), decode: fieldsHook('hubspot.decodeRecord') });
  const canonical = { name: 'Big deal', amount: 1500.5, seats: 3, won: false, closeDate: '2019-10-31', lastSeen: '2019-10-31T00:00:00.000Z', tags: ['a', 'b'] };

  it('puts every value on the wire as a string, dates as epoch milliseconds', () => {
    expect(codec.encode(canonical, { requireAll: false, operation: 'deals.create' })).toEqual({
      name: 'Big deal',
      amount: '1500.5',
      seats: '3',
      won: 'false',
      closedate: '1572480000000',
      lastSeen: '1572480000000',
      tags: 'a;b',
    });
  });

  it('decodes the wire strings back by declared type', () => {
    expect(codec.decode({ name: 'Big deal', amount: '1500.5', seats: '3', won: 'false', closedate: '1572480000000', lastSeen: '2019-10-31T00:00:00Z', tags: 'a;b', hs_object_id: '9' })).toEqual({
      ...canonical,
      tags: 'a;b',
    });
  });

  it('clears with an empty string and reads an empty string as no value', () => {
    expect(codec.encode({ amount: null }, { requireAll: false, operation: 'x' })).toEqual({ amount: '' });
    expect(codec.decode({ amount: '', name: '' })).toEqual({ amount: null, name: null });
  });

  it('rejects a value its type cannot hold as a mapping error', () => {
    expect(() => codec.encode({ closeDate: 'soon' }, { requireAll: false, operation: 'deals.create' })).toThrowError(expect.objectContaining({ class: 'mapping', code: 'invalid_value' }));
  });
});

describe('default coercion', () => {
  const codec = new FieldCodec('deals', PROPS);
  it('converts between canonical values and JSON wire values', () => {
    expect(codec.encode({ amount: '12', seats: 4, won: 'true', closeDate: new Date('2026-05-02T10:00:00Z'), lastSeen: 1772323200000 }, { requireAll: false, operation: 'x' })).toEqual({
      amount: 12,
      seats: 4,
      won: true,
      closedate: '2026-05-02',
      lastSeen: '2026-03-01T00:00:00.000Z',
    });
    expect(() => codec.encode({ seats: 2.5 }, { requireAll: false, operation: 'x' })).toThrowError(expect.objectContaining({ code: 'invalid_value' }));
  });
});

describe('Salesforce error bodies', () => {
  it('joins every item of the error array with its code and fields', () => {
    expect(salesforceErrorMessage([{ message: 'Required fields are missing: [Name]', errorCode: 'REQUIRED_FIELD_MISSING', fields: ['Name'] }, { message: 'Too long', statusCode: 'STRING_TOO_LONG' }])).toBe(
      'REQUIRED_FIELD_MISSING: Required fields are missing: [Name] (fields: Name); STRING_TOO_LONG: Too long',
    );
    expect(salesforceErrorMessage({ message: 'not an array' })).toBeUndefined();
  });
});

describe('expressions', () => {
  it('reads plain paths directly with the same result as JSONata', async () => {
    const input = { a: { b: 1, list: [1, 2] }, arr: [{ x: 1 }, { x: 2 }] };
    for (const src of ['a.b', 'a.missing', 'a.list', 'arr.x', '$', 'a']) {
      const fast = await compileExpression(src).evaluate(input);
      const viaJsonata = await compileExpression(`(${src})`).evaluate(input);
      expect(fast).toEqual(viaJsonata);
    }
  });

  it('stops a runaway expression with a mapping error', async () => {
    const e = compileExpression('($f := function($n) { $f($n + 1) }; $f(0))', { maxDepth: 50, timeoutMs: 200 });
    await expect(e.evaluate({})).rejects.toMatchObject({ class: 'mapping', code: 'expression_failed' });
  });
});
