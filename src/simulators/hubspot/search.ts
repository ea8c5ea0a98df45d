/**
 * CRM search (FACTS §1.5): filter groups ORed, filters ANDed, one sort, offset paging capped at
 * 10,000 results, default properties per object, archived records never returned. Matching is a
 * linear scan: search is limited to a few requests per second, so it is off the hot path.
 */
import type { FastifyInstance } from 'fastify';
import type { HubspotContext } from './context.js';
import { validationError } from './errors.js';
import { objectType, type ObjectType } from './objectTypes.js';
import { pathType } from './params.js';
import { parseDateValue, type PropertyDefinition } from './properties.js';
import type { CrmRecord, SimplePublicObject } from './records.js';

export const MAX_FILTER_GROUPS = 5;
export const MAX_FILTERS_PER_GROUP = 6;
export const MAX_FILTERS_TOTAL = 18;
export const MAX_SEARCH_LIMIT = 200;
export const MAX_SEARCH_RESULTS = 10_000;
export const MAX_SEARCH_BODY_CHARS = 3000;

const OPERATORS = new Set(['EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'BETWEEN', 'IN', 'NOT_IN', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY', 'CONTAINS_TOKEN', 'NOT_CONTAINS_TOKEN']);

interface Filter {
  propertyName: string;
  operator: string;
  value?: string;
  highValue?: string;
  values?: string[];
}

interface SearchRequest {
  filterGroups?: Array<{ filters?: Filter[] }>;
  sorts?: Array<{ propertyName?: string; direction?: string } | string>;
  query?: string;
  properties?: string[];
  limit?: number;
  after?: string | number;
}

type Predicate = (r: CrmRecord) => boolean;

function str(v: unknown): string | undefined {
  return v === undefined || v === null ? undefined : String(v);
}

/** Compiles one filter to a predicate, so the scan does no parsing per record. */
function compileFilter(ctx: HubspotContext, type: ObjectType, f: Filter): Predicate {
  const op = f.operator;
  if (!OPERATORS.has(op)) throw validationError(`Invalid operator: ${String(op)}`, { errors: [{ message: `operator must be one of ${[...OPERATORS].join(', ')}`, in: 'operator' }] });
  const name = f.propertyName;
  if (typeof name === 'string' && name.startsWith('associations.')) {
    const to = objectType(name.slice('associations.'.length));
    if (!to || (op !== 'EQ' && op !== 'IN')) throw validationError(`Unsupported association filter: ${name} ${op}`);
    const ids = op === 'EQ' ? [str(f.value) ?? ''] : (f.values ?? []).map(String);
    return (r) => ids.some((id) => ctx.associations.has(type, r.id, to, id));
  }
  const def = typeof name === 'string' ? ctx.registry.get(type, name) : undefined;
  // UNCONFIRMED: HubSpot's answer to a filter on an unknown property.
  if (!def) throw validationError(`Property ${String(name)} does not exist on ${type.name}`, { errors: [{ message: 'unknown property', in: 'propertyName' }] });
  const get = (r: CrmRecord): string | undefined => r.properties[def.name];
  switch (op) {
    case 'HAS_PROPERTY':
      return (r) => get(r) !== undefined;
    case 'NOT_HAS_PROPERTY':
      return (r) => get(r) === undefined;
    case 'IN':
    case 'NOT_IN': {
      if (!Array.isArray(f.values)) throw validationError(`${op} needs values[]`, { errors: [{ message: 'required', in: 'values' }] });
      // String values must be given lower-case: stored values are lower-cased, the given ones are not.
      const set = new Set(f.values.map((v) => normaliseFilterValue(def, String(v), false)));
      const hit = (r: CrmRecord): boolean => {
        const v = get(r);
        return v !== undefined && set.has(normaliseStored(def, v));
      };
      return op === 'IN' ? hit : (r) => !hit(r);
    }
    case 'CONTAINS_TOKEN':
    case 'NOT_CONTAINS_TOKEN': {
      const pattern = str(f.value) ?? '';
      const re = new RegExp(`^${pattern.toLowerCase().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
      const hit = (r: CrmRecord): boolean => {
        const v = get(r);
        return v !== undefined && tokens(v).some((t) => re.test(t));
      };
      return op === 'CONTAINS_TOKEN' ? hit : (r) => !hit(r);
    }
  }
  const value = str(f.value);
  if (value === undefined) throw validationError(`${op} needs a value`, { errors: [{ message: 'required', in: 'value' }] });
  const target = normaliseFilterValue(def, value, true);
  const cmp = comparator(def);
  if (op === 'BETWEEN') {
    const high = str(f.highValue);
    if (high === undefined) throw validationError('BETWEEN needs highValue', { errors: [{ message: 'required', in: 'highValue' }] });
    const hi = normaliseFilterValue(def, high, true);
    return (r) => {
      const v = get(r);
      return v !== undefined && cmp(normaliseStored(def, v), target) >= 0 && cmp(normaliseStored(def, v), hi) <= 0;
    };
  }
  return (r) => {
    const v = get(r);
    if (v === undefined) return op === 'NEQ';
    const c = cmp(normaliseStored(def, v), target);
    switch (op) {
      case 'EQ':
        return c === 0;
      case 'NEQ':
        return c !== 0;
      case 'LT':
        return c < 0;
      case 'LTE':
        return c <= 0;
      case 'GT':
        return c > 0;
      default:
        return c >= 0;
    }
  };
}

function isNumeric(def: PropertyDefinition): boolean {
  return def.type === 'number' || def.type === 'datetime' || def.type === 'date';
}

/** Filter values are case-insensitive except for enumerations; dates may be epoch ms or ISO. */
function normaliseFilterValue(def: PropertyDefinition, v: string, lowerStrings: boolean): string {
  if (def.type === 'datetime' || def.type === 'date') return String(parseDateValue(v) ?? v);
  if (def.type === 'enumeration' || def.type === 'number') return v;
  return lowerStrings ? v.toLowerCase() : v;
}

function normaliseStored(def: PropertyDefinition, v: string): string {
  return def.type === 'enumeration' || isNumeric(def) ? v : v.toLowerCase();
}

function comparator(def: PropertyDefinition): (a: string, b: string) => number {
  if (isNumeric(def)) return (a, b) => Number(a) - Number(b);
  if (def.type === 'bool') return (a, b) => (a.toLowerCase() === b.toLowerCase() ? 0 : a < b ? -1 : 1);
  return (a, b) => (a < b ? -1 : a > b ? 1 : 0);
}

function tokens(v: string): string[] {
  return v.toLowerCase().split(/[\s,;:/@.\-_]+/).filter((t) => t !== '').concat(v.toLowerCase());
}

function validate(body: SearchRequest): void {
  const groups = body.filterGroups ?? [];
  if (!Array.isArray(groups)) throw validationError('filterGroups must be an array');
  if (groups.length > MAX_FILTER_GROUPS) {
    throw validationError(`Too many filter groups: ${groups.length}. The maximum is ${MAX_FILTER_GROUPS}.`, { errors: [{ message: `at most ${MAX_FILTER_GROUPS} filterGroups`, in: 'filterGroups' }] });
  }
  let total = 0;
  for (const g of groups) {
    const n = g.filters?.length ?? 0;
    total += n;
    if (n > MAX_FILTERS_PER_GROUP) {
      throw validationError(`Too many filters in a filter group: ${n}. The maximum is ${MAX_FILTERS_PER_GROUP}.`, { errors: [{ message: `at most ${MAX_FILTERS_PER_GROUP} filters per group`, in: 'filters' }] });
    }
  }
  if (total > MAX_FILTERS_TOTAL) {
    throw validationError(`Too many filters: ${total}. The maximum is ${MAX_FILTERS_TOTAL}.`, { errors: [{ message: `at most ${MAX_FILTERS_TOTAL} filters in all`, in: 'filterGroups' }] });
  }
  if ((body.sorts?.length ?? 0) > 1) throw validationError('Only one sort is allowed.', { errors: [{ message: 'at most one sort', in: 'sorts' }] });
  if (body.limit !== undefined && (typeof body.limit !== 'number' || body.limit < 0 || body.limit > MAX_SEARCH_LIMIT)) {
    throw validationError(`limit must be between 0 and ${MAX_SEARCH_LIMIT}`, { errors: [{ message: `at most ${MAX_SEARCH_LIMIT}`, in: 'limit' }] });
  }
}

export function registerSearchRoute(api: FastifyInstance, ctx: HubspotContext): void {
  api.post<{ Params: { objectType: string } }>('/crm/v3/objects/:objectType/search', async (req) => {
    const type = pathType(req.params.objectType);
    const body = (req.body ?? {}) as SearchRequest;
    // UNCONFIRMED: the length is measured on the re-serialised body, not the raw bytes.
    if (JSON.stringify(body).length > MAX_SEARCH_BODY_CHARS) throw validationError(`Search request body exceeds ${MAX_SEARCH_BODY_CHARS} characters`);
    validate(body);
    const after = body.after === undefined || body.after === '' ? 0 : Number(body.after);
    if (!Number.isInteger(after) || after < 0) throw validationError(`Invalid after: ${String(body.after)}`, { errors: [{ message: 'must be a non-negative integer', in: 'after' }] });
    if (after >= MAX_SEARCH_RESULTS) {
      // UNCONFIRMED: wording; the status and the 10,000 cap are documented.
      throw validationError(`Cannot page past ${MAX_SEARCH_RESULTS} results. Narrow the search, e.g. by the last modification date seen.`, {
        errors: [{ message: `after must be below ${MAX_SEARCH_RESULTS}`, in: 'after' }],
      });
    }
    const groups = (body.filterGroups ?? []).map((g) => (g.filters ?? []).map((f) => compileFilter(ctx, type, f)));
    const query = typeof body.query === 'string' && body.query.trim() !== '' ? body.query.trim().toLowerCase() : undefined;
    const visibleBefore = Date.now() - ctx.config.searchIndexDelayMs;
    const matches: CrmRecord[] = [];
    for (const r of ctx.records.scan(type, false)) {
      if (ctx.config.searchIndexDelayMs > 0 && r.touchedAt > visibleBefore) continue;
      if (groups.length > 0 && !groups.some((g) => g.every((p) => p(r)))) continue;
      if (query && !type.queryProperties.some((p) => r.properties[p]?.toLowerCase().includes(query))) continue;
      matches.push(r);
    }
    sortMatches(ctx, type, matches, body.sorts?.[0]);
    const limit = body.limit ?? 10;
    const end = Math.min(after + limit, MAX_SEARCH_RESULTS);
    const page = matches.slice(after, end);
    const names = Array.isArray(body.properties) && body.properties.length > 0 ? body.properties.map(String) : type.defaultProperties;
    const results: SimplePublicObject[] = page.map((r) => ctx.records.toPublic(r, names));
    const out: { total: number; results: SimplePublicObject[]; paging?: { next: { after: string } } } = { total: matches.length, results };
    if (end < matches.length && limit > 0) out.paging = { next: { after: String(end) } };
    return out;
  });
}

function sortMatches(ctx: HubspotContext, type: ObjectType, matches: CrmRecord[], sort: { propertyName?: string; direction?: string } | string | undefined): void {
  if (sort === undefined) return; // id order, as scanned
  // The docs' `{propertyName, direction}` form is the real one; a bare string (the spec's typing)
  // is read as a property name, with a leading "-" for descending — UNCONFIRMED.
  const name = typeof sort === 'string' ? sort.replace(/^-/, '') : sort.propertyName;
  const desc = typeof sort === 'string' ? sort.startsWith('-') : sort.direction === 'DESCENDING';
  const def = name ? ctx.registry.get(type, name) : undefined;
  if (!def) throw validationError(`Cannot sort by unknown property ${String(name)}`, { errors: [{ message: 'unknown property', in: 'sorts' }] });
  const cmp = comparator(def);
  const sign = desc ? -1 : 1;
  matches.sort((a, b) => {
    const va = a.properties[def.name];
    const vb = b.properties[def.name];
    // Records without the value sort last either way; ties fall back to id order.
    if (va === undefined || vb === undefined) return va === vb ? Number(a.id) - Number(b.id) : va === undefined ? 1 : -1;
    const c = cmp(normaliseStored(def, va), normaliseStored(def, vb));
    return c !== 0 ? sign * c : Number(a.id) - Number(b.id);
  });
}
