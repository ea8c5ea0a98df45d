/**
 * Turns a parsed query into closures over stored records, type-checking each literal against its
 * field the way Salesforce does (quoted text, unquoted numbers, dates and datetimes). Compiled
 * queries are cached by their text, so a polling loop pays for parsing once.
 */
import { canonicalId } from '../ids.js';
import type { FieldDef } from '../schema.js';
import { isTextType } from '../schema.js';
import type { ObjectTable, RecordStore, SfRecord } from '../store.js';
import { formatDateTime, isValidDate, parseDateTime } from '../values.js';
import { soqlError } from './errors.js';
import { parseSoql, type Condition, type FieldRef, type Literal } from './parser.js';

export type Predicate = (r: SfRecord) => boolean;

export interface CompiledQuery {
  table: ObjectTable;
  /** `SELECT COUNT()`: only totalSize is returned. */
  count: boolean;
  fields: FieldDef[];
  predicate: Predicate | undefined;
  compare: ((a: SfRecord, b: SfRecord) => number) | undefined;
  limit: number | undefined;
  offset: number;
}

type Kind = 'text' | 'id' | 'number' | 'boolean' | 'date' | 'datetime';

function kindOf(f: FieldDef): Kind {
  if (isTextType(f.type) || f.autoNumber) return 'text';
  switch (f.type) {
    case 'id':
    case 'reference':
      return 'id';
    case 'boolean':
      return 'boolean';
    case 'date':
      return 'date';
    case 'datetime':
      return 'datetime';
    default:
      return 'number';
  }
}

/** Comparable form of a stored value: text upper-cased, everything else as stored. */
function norm(kind: Kind, v: unknown): unknown {
  return kind === 'text' && typeof v === 'string' ? v.toUpperCase() : v;
}

class Compiler {
  constructor(
    private readonly soql: string,
    private readonly table: ObjectTable,
  ) {}

  field(ref: FieldRef): FieldDef {
    const f = this.table.def.byLowerName.get(ref.name.toLowerCase());
    if (f) return f;
    const message = ref.name.includes('.')
      ? `Didn't understand relationship '${ref.name.split('.')[0]}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`
      : `No such column '${ref.name}' on entity '${this.table.def.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`;
    throw soqlError(this.soql, ref.pos, 'INVALID_FIELD', message);
  }

  private typeError(f: FieldDef, lit: Literal, expected: string, quoted: boolean): never {
    throw soqlError(
      this.soql,
      lit.pos,
      'INVALID_FIELD',
      `value of filter criterion for field '${f.name}' must be of type ${expected} and ${quoted ? 'should be enclosed in quotes' : 'should not be enclosed in quotes'}`,
    );
  }

  /** The literal in the stored value's comparable form (null for NULL). */
  value(f: FieldDef, lit: Literal): unknown {
    if (lit.kind === 'null') return null;
    const kind = kindOf(f);
    switch (kind) {
      case 'text':
        if (lit.kind !== 'string') this.typeError(f, lit, 'string', true);
        return lit.value.toUpperCase();
      case 'id': {
        if (lit.kind !== 'string') this.typeError(f, lit, 'id', true);
        const id = canonicalId(lit.value);
        if (!id) throw soqlError(this.soql, lit.pos, 'INVALID_QUERY_FILTER_OPERATOR', `invalid ID field: ${lit.value}`);
        return id;
      }
      case 'number':
        if (lit.kind !== 'number') this.typeError(f, lit, f.type, false);
        return lit.value;
      case 'boolean':
        if (lit.kind !== 'boolean') this.typeError(f, lit, 'boolean', false);
        return lit.value;
      case 'date':
        if (lit.kind !== 'date' || !isValidDate(lit.text)) this.typeError(f, lit, 'date', false);
        return lit.text;
      case 'datetime': {
        if (lit.kind !== 'datetime') this.typeError(f, lit, 'dateTime', false);
        const ms = parseDateTime(lit.text);
        if (Number.isNaN(ms)) this.typeError(f, lit, 'dateTime', false);
        return formatDateTime(ms);
      }
    }
  }

  condition(c: Condition): Predicate {
    switch (c.type) {
      case 'and': {
        const parts = c.items.map((x) => this.condition(x));
        return (r) => parts.every((p) => p(r));
      }
      case 'or': {
        const parts = c.items.map((x) => this.condition(x));
        return (r) => parts.some((p) => p(r));
      }
      case 'not': {
        const inner = this.condition(c.item);
        return (r) => !inner(r);
      }
      case 'in': {
        const f = this.field(c.field);
        const kind = kindOf(f);
        const set = new Set(c.literals.map((l) => this.value(f, l)));
        const name = f.name;
        return c.not ? (r) => !set.has(norm(kind, r[name] ?? null)) : (r) => set.has(norm(kind, r[name] ?? null));
      }
      case 'like': {
        const f = this.field(c.field);
        if (kindOf(f) !== 'text' || c.pattern.kind !== 'string') this.typeError(f, c.pattern, 'string', true);
        const source = c.pattern.value.replace(/\\[%_]|[%_]|[.*+?^${}()|[\]\\]/g, (m) =>
          m === '%' ? '.*' : m === '_' ? '.' : m.length === 2 && m[0] === '\\' && (m[1] === '%' || m[1] === '_') ? (m[1] as string) : `\\${m}`,
        );
        const re = new RegExp(`^${source}$`, 'is');
        const name = f.name;
        return (r) => typeof r[name] === 'string' && re.test(r[name] as string);
      }
      case 'cmp': {
        const f = this.field(c.field);
        const kind = kindOf(f);
        const lit = this.value(f, c.literal);
        const name = f.name;
        const get = (r: SfRecord): unknown => norm(kind, r[name] ?? null);
        switch (c.op) {
          case '=':
            return (r) => get(r) === lit;
          case '!=':
            return (r) => get(r) !== lit;
        }
        if (lit === null) return () => false;
        const l = lit as number | string;
        switch (c.op) {
          case '<':
            return (r) => {
              const v = get(r) as number | string | null;
              return v !== null && v < l;
            };
          case '<=':
            return (r) => {
              const v = get(r) as number | string | null;
              return v !== null && v <= l;
            };
          case '>':
            return (r) => {
              const v = get(r) as number | string | null;
              return v !== null && v > l;
            };
          case '>=':
            return (r) => {
              const v = get(r) as number | string | null;
              return v !== null && v >= l;
            };
        }
      }
    }
  }
}

/**
 * UNCONFIRMED: null placement follows the rule "nulls sort before other values" (first ascending,
 * last descending) unless NULLS FIRST/LAST says otherwise.
 */
function comparator(items: Array<{ f: FieldDef; desc: boolean; nullsFirst: boolean }>): (a: SfRecord, b: SfRecord) => number {
  return (a, b) => {
    for (const { f, desc, nullsFirst } of items) {
      const kind = kindOf(f);
      const x = norm(kind, a[f.name] ?? null) as number | string | boolean | null;
      const y = norm(kind, b[f.name] ?? null) as number | string | boolean | null;
      if (x === y) continue;
      if (x === null) return nullsFirst ? -1 : 1;
      if (y === null) return nullsFirst ? 1 : -1;
      const order = x < y ? -1 : 1;
      return desc ? -order : order;
    }
    return 0;
  };
}

export function compileSoql(soql: string, store: RecordStore): CompiledQuery {
  const ast = parseSoql(soql);
  const table = store.table(ast.from.name);
  if (!table) {
    throw soqlError(
      soql,
      ast.from.pos,
      'INVALID_TYPE',
      `sObject type '${ast.from.name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
    );
  }
  const c = new Compiler(soql, table);
  const fields: FieldDef[] = [];
  for (const ref of ast.fields) {
    const f = c.field(ref);
    if (fields.includes(f)) throw soqlError(soql, ref.pos, 'MALFORMED_QUERY', `duplicate field selected: ${f.name}`);
    fields.push(f);
  }
  const predicate = ast.where ? c.condition(ast.where) : undefined;
  const compare =
    ast.orderBy.length > 0
      ? comparator(ast.orderBy.map((o) => ({ f: c.field(o.field), desc: o.desc, nullsFirst: o.nullsFirst ?? !o.desc })))
      : undefined;
  if (ast.offset !== undefined && ast.offset > 2000) {
    throw soqlError(soql, 0, 'NUMBER_OUTSIDE_VALID_RANGE', `Maximum SOQL offset allowed is 2000`);
  }
  return { table, count: ast.count, fields, predicate, compare, limit: ast.limit, offset: ast.offset ?? 0 };
}

/** Compiled queries by text; the schema is fixed for a simulator's life, so entries never go stale. */
export class CompiledQueryCache {
  private readonly entries = new Map<string, CompiledQuery>();
  constructor(private readonly max = 200) {}

  get(soql: string, store: RecordStore): CompiledQuery {
    let q = this.entries.get(soql);
    if (!q) {
      q = compileSoql(soql, store);
      if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(soql, q);
    }
    return q;
  }
}

/** Records the query matches, in order, after OFFSET and LIMIT. */
export function runQuery(q: CompiledQuery, includeDeleted: boolean): SfRecord[] {
  let rows: SfRecord[] = [];
  const p = q.predicate;
  for (const r of q.table.live.values()) if (!p || p(r)) rows.push(r);
  if (includeDeleted) for (const r of q.table.deleted.values()) if (!p || p(r)) rows.push(r);
  if (q.compare) rows.sort(q.compare);
  if (q.offset > 0 || q.limit !== undefined) rows = rows.slice(q.offset, q.limit === undefined ? undefined : q.offset + q.limit);
  return rows;
}
