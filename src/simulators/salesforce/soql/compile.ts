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
  /** Builds one result record (without `attributes`) in SELECT order. */
  project: (r: SfRecord, version: string) => Record<string, unknown>;
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

/**
 * A readable column: a field of the queried object, or of its parent through one lookup
 * (`Account.Name` from Contact), read from the parent's current record.
 */
interface Accessor {
  field: FieldDef;
  get: (r: SfRecord) => unknown;
  /** Set for parent paths. */
  via?: { lookup: FieldDef; parent: ObjectTable };
}

function noSuchColumn(name: string, entity: string): string {
  return `No such column '${name}' on entity '${entity}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`;
}

class Compiler {
  constructor(
    private readonly soql: string,
    private readonly table: ObjectTable,
    private readonly store: RecordStore,
  ) {}

  field(ref: FieldRef): Accessor {
    const dot = ref.name.indexOf('.');
    if (dot < 0) {
      const f = this.table.def.byLowerName.get(ref.name.toLowerCase());
      if (!f) throw soqlError(this.soql, ref.pos, 'INVALID_FIELD', noSuchColumn(ref.name, this.table.def.name));
      const name = f.name;
      return { field: f, get: (r) => r[name] ?? null };
    }
    const relName = ref.name.slice(0, dot);
    const rest = ref.name.slice(dot + 1);
    const lookup = this.table.def.byRelationship.get(relName.toLowerCase());
    // Users are not simulated, so Owner.Name and the like cannot be followed.
    const parent = lookup?.referenceTo ? this.store.table(lookup.referenceTo) : undefined;
    if (!lookup || !parent || rest.includes('.')) {
      throw soqlError(
        this.soql,
        ref.pos,
        'INVALID_FIELD',
        `Didn't understand relationship '${relName}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
      );
    }
    const f = parent.def.byLowerName.get(rest.toLowerCase());
    if (!f) throw soqlError(this.soql, ref.pos + dot + 1, 'INVALID_FIELD', noSuchColumn(rest, parent.def.name));
    const key = lookup.name;
    const name = f.name;
    return {
      field: f,
      via: { lookup, parent },
      get: (r) => {
        const id = r[key];
        return typeof id === 'string' ? (parent.live.get(id)?.[name] ?? null) : null;
      },
    };
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
        const a = this.field(c.field);
        const kind = kindOf(a.field);
        const set = new Set(c.literals.map((l) => this.value(a.field, l)));
        return c.not ? (r) => !set.has(norm(kind, a.get(r))) : (r) => set.has(norm(kind, a.get(r)));
      }
      case 'like': {
        const a = this.field(c.field);
        if (kindOf(a.field) !== 'text' || c.pattern.kind !== 'string') this.typeError(a.field, c.pattern, 'string', true);
        const source = c.pattern.value.replace(/\\[%_]|[%_]|[.*+?^${}()|[\]\\]/g, (m) =>
          m === '%' ? '.*' : m === '_' ? '.' : m.length === 2 && m[0] === '\\' && (m[1] === '%' || m[1] === '_') ? (m[1] as string) : `\\${m}`,
        );
        const re = new RegExp(`^${source}$`, 'is');
        return (r) => {
          const v = a.get(r);
          return typeof v === 'string' && re.test(v);
        };
      }
      case 'cmp': {
        const a = this.field(c.field);
        const kind = kindOf(a.field);
        const lit = this.value(a.field, c.literal);
        const get = (r: SfRecord): unknown => norm(kind, a.get(r));
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
function comparator(items: Array<{ a: Accessor; desc: boolean; nullsFirst: boolean }>): (a: SfRecord, b: SfRecord) => number {
  return (left, right) => {
    for (const { a, desc, nullsFirst } of items) {
      const kind = kindOf(a.field);
      const x = norm(kind, a.get(left)) as number | string | boolean | null;
      const y = norm(kind, a.get(right)) as number | string | boolean | null;
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
  const c = new Compiler(soql, table, store);
  const seen = new Set<string>();
  const columns: Array<(out: Record<string, unknown>, r: SfRecord, version: string) => void> = [];
  const parents = new Map<string, Accessor[]>();
  for (const ref of ast.fields) {
    const a = c.field(ref);
    const path = a.via ? `${a.via.lookup.relationshipName}.${a.field.name}` : a.field.name;
    if (seen.has(path.toLowerCase())) throw soqlError(soql, ref.pos, 'MALFORMED_QUERY', `duplicate field selected: ${path}`);
    seen.add(path.toLowerCase());
    if (!a.via) {
      const name = a.field.name;
      columns.push((out, r) => {
        out[name] = r[name] ?? null;
      });
      continue;
    }
    // Fields of one parent share a nested object, placed where its first field was selected.
    const rel = a.via.lookup.relationshipName as string;
    const group = parents.get(rel);
    if (group) {
      group.push(a);
      continue;
    }
    const members = [a];
    parents.set(rel, members);
    const { lookup, parent } = a.via;
    columns.push((out, r, version) => {
      const id = r[lookup.name];
      const p = typeof id === 'string' ? parent.live.get(id) : undefined;
      if (!p) {
        out[rel] = null;
        return;
      }
      const nested: Record<string, unknown> = {
        attributes: { type: parent.def.name, url: `/services/data/v${version}/sobjects/${parent.def.name}/${id as string}` },
      };
      for (const m of members) nested[m.field.name] = p[m.field.name] ?? null;
      out[rel] = nested;
    });
  }
  const project = (r: SfRecord, version: string): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const col of columns) col(out, r, version);
    return out;
  };
  const predicate = ast.where ? c.condition(ast.where) : undefined;
  const compare =
    ast.orderBy.length > 0
      ? comparator(ast.orderBy.map((o) => ({ a: c.field(o.field), desc: o.desc, nullsFirst: o.nullsFirst ?? !o.desc })))
      : undefined;
  if (ast.offset !== undefined && ast.offset > 2000) {
    throw soqlError(soql, 0, 'NUMBER_OUTSIDE_VALID_RANGE', `Maximum SOQL offset allowed is 2000`);
  }
  return { table, count: ast.count, project, predicate, compare, limit: ast.limit, offset: ast.offset ?? 0 };
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
