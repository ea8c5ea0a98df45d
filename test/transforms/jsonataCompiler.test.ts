import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import jsonata from 'jsonata';
import { parse } from 'yaml';
import { BAIL, compileFast } from '../../src/transforms/jsonataCompiler.js';
import { plain } from '../../src/transforms/expression.js';

const TRANSFORM = '$merge([$, {"domain": $lowercase($substringAfter(website, "://")), "tier": plan = "enterprise" ? "A" : "B"}])';
const BATCH_BODY = '{"inputs": [records.{"id": id, "idProperty": $$.idProperty, "properties": record}]}';

/** Hand-written expressions covering the compiled subset, including inputs it must bail on. */
const CORPUS = [
  TRANSFORM,
  BATCH_BODY,
  '"text"', '42', '-1.5', 'true', 'null', '$', '$$', '$$.a',
  'a', 'a.b', 'a.b.c', '`weird key`', 'a.`weird key`', 'items.name', 'items.tags', 'records.record', 'items.items.name',
  '$.a', '$.{"A": a, "B": b}', 'items.{"n": name, "t": tags}', '[items.{"n": name}]', 'items.$merge([$, {"k": 1}])',
  'a.{"v": $$.n, "s": s}', 'records.{"id": id, "p": $$.idProperty}',
  '{"a": a, "b": b}', '{"a": a, "nested": {"x": b, "y": [a, b]}}', '{"1": a, "b": 2, "0": c}', '{}', '{"items": items.name}',
  '[a, b, c]', '[a, [b, c]]', '[]', '[[a]]', '[items.name]', '[tags, tags]', '["[", a]',
  'a & b', '"<b>" & kind & "</b>: " & headline', 'n & ""', 's & null', 'a & 1.5', 'tags & items',
  'n + 1', 'n - m', 'n * 2', 'n / 4', 'n % 3', '-n', 'a + b', '(n + 1) * 2', '(a)',
  'a = b', 'a != "x"', 'n < 3', 'n >= m', 's > "m"', 'tags = ["x"]', 'a = {"b": 1}', 'n <= s',
  'a and b', 'a or b', 'n > 0 and s', 'tags or items', 'a and n > 1',
  'a ? b : c', 'a ? b', 'n > 1 ? "big" : "small"', 'tags ? "t" : "f"', 'a ? (b ? 1 : 2) : 3', 'items ? 1 : 0',
  'state in ["sent", "accepted"]', 'n in [1, 2, 3]', 's in tags', 'a in b',
  '$lowercase(s)', '$uppercase(name)', '$trim(s)', '$substringAfter(website, "://")', '$substringBefore(s, "@")',
  '$substring(s, 1)', '$substring(s, -3, 2)', '$substring(s, n, 2)', '$substring(s, 1, n)', '$contains(s, "a")', '$contains(s, t)',
  '$length(s)', '$string(a)', '$string(n)', '$string(items)', '$number(s)', '$number(a)', '$boolean(a)', '$boolean(items)',
  '$not(tags)', '$exists(a.b)', '$exists(items.name)', '$merge([a, b])', '$merge(items)', '$merge([$, {"x": 1}])', '$merge(a)',
  '$join(tags, ", ")', '$join(tags)', '$join(items.name, "|")', '$round(n)', '$round(n, 1)', '$round(n, m)', '$floor(n)', '$ceil(n)',
  '$abs(n)', '$replace(s, "a", "A")', '$replace(s, "", "x")', '$replace(s, t, "-")', '$number(crm_company_id)',
  '$x', '$x.a', '$x & $y', '$since ? {"gte": $since} : {}', '$string', '{"f": $lowercase}',
];

/** Connector and pipeline expressions of the repository, read from the spec files themselves. */
const CONNECTOR_EXPRESSION_KEYS = new Set(['body', 'records', 'id', 'updatedAt', 'fields', 'next', 'done', 'more', 'errorMessage']);
const PIPELINE_EXPRESSION_KEYS = new Set(['expression', 'expr']);

function specExpressions(): string[] {
  const found = new Set<string>();
  const walk = (node: unknown, keys: Set<string>): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, keys));
    if (node === null || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (typeof v === 'string' && keys.has(k)) found.add(v.trim());
      else walk(v, keys);
    }
  };
  for (const [dir, keys] of [['connectors', CONNECTOR_EXPRESSION_KEYS], ['pipelines', PIPELINE_EXPRESSION_KEYS]] as const) {
    // Pipeline test files hold records, not expressions.
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.yaml') && !n.endsWith('.test.yaml'))) walk(parse(readFileSync(join(dir, f), 'utf8')), keys);
  }
  return [...found];
}

/** Deterministic generator of JSON inputs: missing fields, nulls, empty and unicode strings, numbers, nested objects, arrays of 0/1/3. */
function generator(seed: number) {
  let s = seed >>> 0;
  const rand = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const STRINGS = ['', 'a', 'abc', 'Hello World', '  spaced\tout \n', 'Ünïcødé 😀 ok', 'https://Example.COM/path', 'x@y.org', '42', '-7', '3.14', '1e3', '0x1F', 'sent', 'enterprise', 'm', 'z', '://', 'undefined'];
  const NUMBERS = [0, 1, 2, 3, -3, 2.5, -0.5, 0.1, 7, 1e21, 123456789.123, 0.30000000000000004, 100];
  const TOP_KEYS = ['a', 'b', 'c', 'n', 'm', 's', 't', 'name', 'tags', 'items', 'records', 'record', 'id', 'website', 'plan', 'state', 'kind', 'headline', 'weird key', 'idProperty', 'crm_company_id', 'queast_interesting', 'queast_company_id', 'properties', 'results', 'data', 'paging', 'error', 'error_info', 'message', 'since', 'version', 'update_time', 'Id', 'created', 'done', 'nextRecordsUrl', 'additional_data'];
  const INNER_KEYS = ['a', 'b', 'id', 'name', 'record', 'items', 'item', 'tags', 's', 'n', 'next', 'after', 'next_cursor', 'hs_lastmodifieddate', 'weird key'];
  const value = (depth: number): unknown => {
    const r = rand();
    if (r < 0.1) return null;
    if (r < 0.35) return pick(STRINGS);
    if (r < 0.55) return pick(NUMBERS);
    if (r < 0.65) return rand() < 0.5;
    if (depth >= 2) return pick(STRINGS);
    if (r < 0.82) return object(INNER_KEYS, depth + 1, 0.4);
    const len = pick([0, 1, 3]);
    const ofObjects = rand() < 0.6;
    return Array.from({ length: len }, () => (ofObjects ? object(INNER_KEYS, depth + 1, 0.5) : value(depth + 1)));
  };
  const object = (keys: readonly string[], depth: number, p: number): Record<string, unknown> => {
    const o: Record<string, unknown> = {};
    for (const k of keys) if (rand() < p) o[k] = value(depth);
    return o;
  };
  const input = (): unknown => {
    const r = rand();
    if (r < 0.03) return undefined;
    if (r < 0.05) return pick(STRINGS);
    return object(TOP_KEYS, 0, 0.35);
  };
  const bindings = (): Record<string, unknown> | undefined => {
    const r = rand();
    if (r < 0.4) return undefined;
    if (r < 0.5) return { lowercase: 'shadowed', merge: 1 };
    return { x: value(1), y: value(1), since: rand() < 0.5 ? undefined : pick(NUMBERS), idProperty: 'external_id' };
  };
  return { input, bindings };
}

async function real(source: string, input: unknown, bindings: Record<string, unknown> | undefined): Promise<{ value?: unknown; error?: string }> {
  try {
    return { value: plain(await jsonata(source).evaluate(input, bindings)) };
  } catch (e) {
    return { error: (e as { code?: string }).code ?? String(e) };
  }
}

const REALISTIC = {
  record: { id: 'c1', name: 'Acme', website: 'https://WWW.Acme.io', plan: 'enterprise', employees: 120, tags: ['b2b'] },
  batch: {
    idProperty: 'queast_company_id',
    records: Array.from({ length: 3 }, (_, i) => ({ id: `q${i}`, record: { name: `Co ${i}`, domain: `co${i}.com` } })),
  },
};

/** Runs `source` against the generated inputs; returns how many were answered without bailing. */
async function differential(source: string, runs: number, seed: number): Promise<number> {
  const fast = compileFast(source);
  expect(fast, source).toBeTypeOf('function');
  const gen = generator(seed);
  let engaged = 0;
  const cases: [unknown, Record<string, unknown> | undefined][] = [
    [REALISTIC.record, undefined],
    [REALISTIC.batch, undefined],
    [undefined, undefined],
    [{}, { x: 'X', since: 1700000000000 }],
  ];
  for (let i = 0; i < runs; i++) cases.push([gen.input(), gen.bindings()]);
  for (const [input, bindings] of cases) {
    const got = (fast as NonNullable<typeof fast>)(input, bindings);
    if (got === BAIL) continue;
    engaged++;
    const want = await real(source, input, bindings);
    if (want.error === undefined && isDeepStrictEqual(got, want.value) && JSON.stringify(got) === JSON.stringify(want.value)) continue;
    // Only a mismatch pays for the message.
    const where = `${source} on ${JSON.stringify(input)} with ${JSON.stringify(bindings)}`;
    expect(want.error, where).toBeUndefined();
    expect(got, where).toStrictEqual(want.value);
    expect(JSON.stringify(got), where).toBe(JSON.stringify(want.value));
  }
  return engaged;
}

describe('compileFast', () => {
  it.each(CORPUS.map((source, i) => [source, i] as const))('gives what JSONata gives, or bails: %s', async (source, i) => {
    await differential(source, 250, 1000 + i);
  });

  it('gives what JSONata gives for every compiled expression of the connector and pipeline files', async () => {
    const sources = specExpressions();
    expect(sources.length).toBeGreaterThan(15);
    let i = 0;
    for (const source of sources) {
      if (!compileFast(source)) continue;
      const engaged = await differential(source, 150, 5000 + i++);
      // Each must answer at least some inputs itself, or it does not speed anything up.
      expect(engaged, source).toBeGreaterThan(0);
    }
  });

  it('compiles every spec-file expression except those using lambdas, regexes or $sift/$map/$type', () => {
    const outside = /function\s*\(|\/\^|\$sift|\$map|\$type/;
    for (const source of specExpressions()) {
      expect(compileFast(source) === undefined, source).toBe(outside.test(source));
    }
  });

  it('answers the hot transform and batch body itself on realistic input', async () => {
    const transform = compileFast(TRANSFORM)!;
    const record = { id: 'c1', name: 'Acme', website: 'https://WWW.Acme.io/about', plan: 'pro' };
    expect(transform(record, undefined)).toStrictEqual({ ...record, domain: 'www.acme.io/about', tier: 'B' });

    const body = compileFast(BATCH_BODY)!;
    const batch = {
      idProperty: 'queast_company_id',
      records: Array.from({ length: 100 }, (_, i) => ({ id: `q${i}`, record: { name: `Co ${i}`, numberofemployees: i } })),
    };
    const got = body(batch, undefined);
    expect(got).not.toBe(BAIL);
    expect(got).toStrictEqual(plain(await jsonata(BATCH_BODY).evaluate(batch)));
    // The path's one-item sequence becomes the object itself, which the array constructor wraps.
    const one = { idProperty: 'k', records: [{ id: 'q1', record: { a: 1 } }] };
    expect(body(one, undefined)).toStrictEqual({ inputs: [{ id: 'q1', idProperty: 'k', properties: { a: 1 } }] });
  });

  it('bails where JSONata raises an error, so the real error surfaces', async () => {
    const cases: [string, unknown, string][] = [
      // A number first argument makes JSONata take the context as the string (T0411 here).
      ['$substring(n, 1)', { n: 5 }, 'T0411'],
      ['a + 1', { a: 'x' }, 'T2001'],
      ['n < s', { n: 1, s: 'a' }, 'T2009'],
      ['{"a": 1, "b": a}.b & $lowercase(a)', { a: ['x'] }, 'T0410'],
      ['$number(s)', { s: 'twelve' }, 'D3030'],
      ['$replace(s, "", "x")', { s: 'abc' }, 'D3010'],
      ['$merge([a, "x"])', { a: {} }, 'T0412'],
    ];
    for (const [source, input, code] of cases) {
      expect(compileFast(source)!(input, undefined), source).toBe(BAIL);
      expect((await real(source, input, undefined)).error, source).toBe(code);
    }
  });

  it('bails on array inputs, on bindings that shadow a called built-in, and past the sequence budget', () => {
    expect(compileFast('a')!([{ a: 1 }], undefined)).toBe(BAIL);
    expect(compileFast('$lowercase(a)')!({ a: 'X' }, { lowercase: 'mine' })).toBe(BAIL);
    expect(compileFast('$lowercase(a)')!({ a: 'X' }, { other: 1 })).toBe('x');
    expect(compileFast('$')!({ outerWrapper: true }, undefined)).toBe(BAIL);
    const items = { items: [{ a: 1 }, { a: 2 }, { a: 3 }] };
    expect(compileFast('[items.{"v": a}]', { maxSequence: 2 })!(items, undefined)).toBe(BAIL);
    expect(compileFast('[items.{"v": a}]', { maxSequence: 3 })!(items, undefined)).toStrictEqual([{ v: 1 }, { v: 2 }, { v: 3 }]);
  });

  it('does not compile expressions nested deeper than the depth budget allows', () => {
    const deep = `${'('.repeat(40)}a${')'.repeat(40)}`;
    expect(compileFast(deep)).toBeTypeOf('function');
    expect(compileFast(deep, { maxDepth: 50 })).toBeUndefined();
  });

  it.each([
    '$map(a, function($v) { $v })', 'a[0]', 'a[b = 1]', 'a.*', '**.a', '$sort(a)', 'a ~> $lowercase', '$replace(s, /a/, "b")',
    'a{b: c}', '{a: b}', '($x := 1; $x)', 'a.b[]', 'a#$i.b', 'a@$o.b', '$lowercase()', '$substringAfter("x")', '(a; b)',
    '1..3', '[1..3]', '{"a": 1, "a": 2}', '$foo(a)', '$string(a, true)', 'function($x) { $x }', '$x(a)', 'a.(b)', 'a.[b]',
    '%.a', '{"__proto__": a}', '$now()', 'a.b.$', '$.$$',
  ])('leaves %s to JSONata', (source) => {
    expect(compileFast(source)).toBeUndefined();
  });

  it('does not compile what JSONata cannot parse', () => {
    expect(compileFast('a.(')).toBeUndefined();
  });
});
