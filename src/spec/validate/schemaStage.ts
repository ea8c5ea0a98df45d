/** Stage 2: the document against the generated JSON Schema, with errors worded for people. */
import type { ErrorObject } from 'ajv';
import type { JsonSchema } from '../components/registry.js';
import { connectorSchema } from '../schema/connectorSchema.js';
import { pipelineSchema } from '../schema/pipelineSchema.js';
import { schemaValidators } from '../schema/validators.js';
import { collectMarked } from '../schema/walk.js';
import { DURATION_PATTERN, NAME_PATTERN, SECRET_REF_PATTERN } from '../components/fragments.js';
import { closest, didYouMean } from '../suggest.js';
import type { LoadedFile, Reporter } from './context.js';

let schemas: Record<'Connector' | 'Pipeline', JsonSchema> | undefined;

/** The schema a kind is validated against (the validators are generated from these very objects). */
export function schemaFor(kind: 'Connector' | 'Pipeline'): JsonSchema {
  schemas ??= { Connector: connectorSchema(), Pipeline: pipelineSchema() };
  return schemas[kind];
}

function pathOf(instancePath: string): Array<string | number> {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  return `${typeof v} ${String(v)}`;
}

function article(t: string): string {
  const map: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', integer: 'a whole number', number: 'a number', boolean: 'true or false', null: 'null' };
  return map[t] ?? t;
}

export function runSchemaStage(file: LoadedFile, reporter: Reporter): void {
  const schema = schemaFor(file.kind);
  const validate = schemaValidators[file.kind];
  const secretPaths = new Set<string>();
  // Secrets first: an inline literal gets its own code and message instead of a pattern error.
  for (const m of collectMarked(schema, file.doc, 'x-secret')) {
    secretPaths.add(JSON.stringify(m.path));
    if (typeof m.value === 'string' && !new RegExp(SECRET_REF_PATTERN).test(m.value)) {
      reporter.at(file.parsed, m.path, 'inline-secret', `\`${String(m.path[m.path.length - 1])}\` holds a secret written inline; reference it instead`, {
        hint: `write \`\${env:NAME}\` (an environment variable) or \`\${file:/run/secrets/name}\`; the literal must not stay in version control`,
      });
    }
  }
  if (validate(file.doc)) return;
  const described: Described[] = [];
  const seen = new Set<string>();
  for (const e of pruneOneOf(validate.errors ?? [])) {
    const d = describe(e, secretPaths);
    if (!d) continue;
    const key = `${JSON.stringify(d.path)}|${d.code}|${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    described.push(d);
  }
  for (const d of dropExplainedRequired(described)) {
    reporter.at(file.parsed, d.path, d.code, d.message, { key: d.key, ...(d.hint ? { hint: d.hint } : {}) });
    file.schemaValid = false;
  }
}

/**
 * A value that fits no branch of a `oneOf` makes ajv report every branch's complaint. When one
 * branch has the value's type, only its errors are kept (`status: 700` is out of range); when
 * none has, one type error names all the accepted types.
 */
function pruneOneOf(errors: ErrorObject[]): ErrorObject[] {
  const drop = new Set<ErrorObject>();
  const replace = new Map<ErrorObject, ErrorObject>();
  for (const one of errors.filter((e) => e.keyword === 'oneOf')) {
    const prefix = `${one.schemaPath}/`;
    const branches = new Map<string, ErrorObject[]>();
    for (const e of errors) {
      if (!e.schemaPath.startsWith(prefix)) continue;
      const branch = e.schemaPath.slice(prefix.length).split('/')[0] as string;
      branches.set(branch, [...(branches.get(branch) ?? []), e]);
      drop.add(e);
    }
    if (branches.size === 0) continue;
    const typeMismatch = (list: ErrorObject[]): ErrorObject | undefined => list.find((e) => e.keyword === 'type' && e.instancePath === one.instancePath);
    const fitting = [...branches.values()].filter((list) => !typeMismatch(list)).sort((a, b) => a.length - b.length)[0];
    if (fitting) {
      fitting.forEach((e) => drop.delete(e));
      drop.add(one);
    } else {
      const types = [...branches.values()].flatMap((list) => String((typeMismatch(list)?.params as { type?: string }).type ?? '').split(','));
      replace.set(one, { ...one, keyword: 'type', params: { type: [...new Set(types.filter(Boolean))].join(',') } });
    }
  }
  return errors.filter((e) => !drop.has(e)).map((e) => replace.get(e) ?? e);
}

/** `shedule` next to a missing `schedule` is one mistake: the misspelling explains the absence. */
function dropExplainedRequired(list: Described[]): Described[] {
  const explained = new Set<string>();
  for (const d of list) {
    if (d.code !== 'schema-unknown-field' || !d.suggestion) continue;
    explained.add(JSON.stringify([...d.path.slice(0, -1), d.suggestion]));
  }
  return list.filter((d) => !(d.code === 'schema-required' && d.missing !== undefined && explained.has(JSON.stringify([...d.path, d.missing]))));
}

interface Described {
  path: Array<string | number>;
  code: 'schema-required' | 'schema-unknown-field' | 'schema-type' | 'schema-enum' | 'schema-pattern' | 'schema-range' | 'schema-invalid';
  message: string;
  key: boolean;
  hint?: string;
  /** schema-unknown-field: the allowed field the name is closest to. */
  suggestion?: string;
  /** schema-required: the missing field. */
  missing?: string;
}

function describe(e: ErrorObject, secretPaths: Set<string>): Described | undefined {
  const path = pathOf(e.instancePath);
  const parent = e.parentSchema as JsonSchema | undefined;
  switch (e.keyword) {
    case 'if':
    case 'allOf':
      // The failing branch reports its own, more specific errors.
      return undefined;
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      const where = path.length ? `\`${String(path[path.length - 1])}\`` : 'the document';
      return { path, code: 'schema-required', message: `${where} is missing the required field \`${missing}\``, key: true, missing };
    }
    case 'additionalProperties': {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys((parent?.properties as Record<string, unknown> | undefined) ?? {});
      const suggestion = closest(extra, known);
      return {
        path: [...path, extra],
        code: 'schema-unknown-field',
        message: `unknown field \`${extra}\`${didYouMean(extra, known)}`,
        key: true,
        ...(known.length ? { hint: `fields allowed here: ${known.join(', ')}` } : {}),
        ...(suggestion ? { suggestion } : {}),
      };
    }
    case 'type':
      return { path, code: 'schema-type', message: `expected ${String((e.params as { type: string | string[] }).type).split(',').map(article).join(' or ')}, found ${typeName(e.data)}`, key: false };
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map(String);
      const got = String(e.data);
      return { path, code: 'schema-enum', message: `\`${got}\` is not one of: ${allowed.join(', ')}${didYouMean(got, allowed)}`, key: false };
    }
    case 'const': {
      const allowed = String((e.params as { allowedValue: unknown }).allowedValue);
      return { path, code: 'schema-enum', message: `expected \`${allowed}\`, found ${typeName(e.data)}`, key: false };
    }
    case 'pattern': {
      // A key that breaks `propertyNames` is reported once, by the propertyNames case.
      if (e.propertyName !== undefined) return undefined;
      if (secretPaths.has(JSON.stringify(path))) return undefined;
      const pattern = (e.params as { pattern: string }).pattern;
      const v = String(e.data);
      if (pattern === DURATION_PATTERN) return { path, code: 'schema-pattern', message: `\`${v}\` is not a duration`, key: false, hint: 'write a number and a unit: 500ms, 30s, 5m, 1h, 1d' };
      if (pattern === NAME_PATTERN) return { path, code: 'schema-pattern', message: `\`${v}\` is not a valid name`, key: false, hint: 'names use lower-case letters, digits and dashes, and start with a letter' };
      return { path, code: 'schema-pattern', message: `\`${v}\` does not have the required form (${pattern})`, key: false };
    }
    case 'propertyNames': {
      const name = (e.params as { propertyName: string }).propertyName;
      const pattern = ((parent?.propertyNames as JsonSchema | undefined)?.pattern as string | undefined) ?? '';
      return { path: [...path, name], code: 'schema-pattern', message: `\`${name}\` is not a valid name here`, key: true, hint: `names must match ${pattern}` };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const p = e.params as { comparison: string; limit: number };
      return { path, code: 'schema-range', message: `${String(e.data)} is out of range: it must be ${p.comparison} ${p.limit}`, key: false };
    }
    case 'minItems':
      return { path, code: 'schema-range', message: `the list needs at least ${(e.params as { limit: number }).limit} item(s)`, key: false };
    case 'minLength':
      return { path, code: 'schema-range', message: 'the value must not be empty', key: false };
    case 'oneOf':
      return { path, code: 'schema-invalid', message: `${typeName(e.data)} is not a valid value here${parent?.description ? `: ${String(parent.description)}` : ''}`, key: false };
    default:
      return { path, code: 'schema-invalid', message: e.message ?? 'invalid value', key: false };
  }
}
