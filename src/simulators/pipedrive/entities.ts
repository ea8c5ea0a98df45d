/**
 * Per-entity rules for v2 organizations, persons and deals: which body fields are writable and
 * how they are checked, the defaults of a new record, derived fields, and the search item shape.
 */
import { ValidationError, isPlainObject, type EntityName, type Row } from './records.js';

type Check = (value: unknown, field: string) => unknown;

const fail = (field: string, what: string): never => {
  throw new ValidationError(`Validation failed: ${field}: ${what}`);
};

const str: Check = (v, f) => (typeof v === 'string' ? v : fail(f, 'must be a string'));
const nonEmptyStr: Check = (v, f) => (typeof v === 'string' && v.trim() !== '' ? v : fail(f, 'must be a non-empty string'));
const nullable =
  (check: Check): Check =>
  (v, f) =>
    v === null ? null : check(v, f);
const int: Check = (v, f) => (Number.isInteger(v) ? v : fail(f, 'must be an integer'));
const num: Check = (v, f) => (typeof v === 'number' && Number.isFinite(v) ? v : fail(f, 'must be a number'));
const bool: Check = (v, f) => (typeof v === 'boolean' ? v : fail(f, 'must be a boolean'));
const intArray: Check = (v, f) => (Array.isArray(v) && v.every((x) => Number.isInteger(x)) ? [...v] : fail(f, 'must be an array of integers'));
const date: Check = (v, f) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : fail(f, 'must be a date YYYY-MM-DD'));
const visibleTo: Check = (v, f) => ([1, 3, 5, 7].includes(v as number) ? v : fail(f, 'must be one of 1, 3, 5, 7'));
const oneOf =
  (...allowed: string[]): Check =>
  (v, f) =>
    typeof v === 'string' && allowed.includes(v) ? v : fail(f, `must be one of ${allowed.join(', ')}`);

const contactList: Check = (v, f) => {
  if (!Array.isArray(v)) return fail(f, 'must be an array');
  return v.map((item, i) => {
    if (!isPlainObject(item) || typeof item.value !== 'string') return fail(`${f}[${i}]`, 'must be an object with a string value');
    return {
      value: item.value,
      primary: typeof item.primary === 'boolean' ? item.primary : i === 0,
      label: typeof item.label === 'string' ? item.label : 'work',
    };
  });
};

const ADDRESS_PARTS = [
  'value',
  'country',
  'admin_area_level_1',
  'admin_area_level_2',
  'locality',
  'sublocality',
  'route',
  'street_number',
  'subpremise',
  'postal_code',
];
const address: Check = (v, f) => {
  if (!isPlainObject(v)) return fail(f, 'must be an object');
  const out: Record<string, string> = {};
  for (const [k, part] of Object.entries(v)) {
    if (!ADDRESS_PARTS.includes(k)) fail(`${f}.${k}`, 'unknown address part');
    if (part !== null) out[k] = str(part, `${f}.${k}`) as string;
  }
  return out;
};

export interface EntitySpec {
  name: EntityName;
  /** `meta.entity` of webhooks and `event_object` of subscriptions. */
  object: 'organization' | 'person' | 'deal';
  /** Used in "… not found". */
  label: string;
  required: string;
  writable: Record<string, Check>;
  /** Fields accepted only on create. */
  createOnly: Record<string, Check>;
  defaults(ctx: DefaultsContext): Record<string, unknown>;
  /** Recomputes fields that follow from others (first/last name, won/lost times). */
  derive(row: Row, changed: ReadonlySet<string>, now: string): void;
  /** Values of `fields=` on the search endpoint, as the spec lists them. */
  searchFields: readonly string[];
  /** Text per searchable field. */
  searchText(row: Row): Record<string, string[]>;
}

export interface DefaultsContext {
  userId: number;
  currency: string;
}

const organizations: EntitySpec = {
  name: 'organizations',
  object: 'organization',
  label: 'Organization',
  required: 'name',
  writable: {
    name: nonEmptyStr,
    owner_id: int,
    visible_to: visibleTo,
    label_ids: intArray,
    address: nullable(address),
    website: nullable(str),
    linkedin: nullable(str),
    industry: nullable(int),
    annual_revenue: nullable(int),
    employee_count: nullable(int),
  },
  createOnly: { add_time: str },
  defaults: (ctx) => ({
    name: '',
    owner_id: ctx.userId,
    visible_to: 3,
    label_ids: [],
    address: null,
    website: null,
    linkedin: null,
    industry: null,
    annual_revenue: null,
    employee_count: null,
  }),
  derive: () => {},
  searchFields: ['address', 'custom_fields', 'notes', 'name'],
  searchText: (row) => ({
    name: [row.name as string],
    address: row.address ? [(row.address as { value?: string }).value ?? ''] : [],
    notes: [],
    custom_fields: customText(row),
  }),
};

const persons: EntitySpec = {
  name: 'persons',
  object: 'person',
  label: 'Person',
  required: 'name',
  writable: {
    name: nonEmptyStr,
    owner_id: int,
    org_id: nullable(int),
    emails: contactList,
    phones: contactList,
    visible_to: visibleTo,
    label_ids: intArray,
    postal_address: nullable(address),
    notes: nullable(str),
    im: contactList,
    birthday: nullable(date),
    job_title: nullable(str),
  },
  createOnly: { add_time: str },
  defaults: (ctx) => ({
    name: '',
    first_name: '',
    last_name: '',
    owner_id: ctx.userId,
    org_id: null,
    emails: [],
    phones: [],
    visible_to: 3,
    label_ids: [],
    picture_id: null,
  }),
  derive: (row, changed) => {
    if (!changed.has('name')) return;
    const name = (row.name as string).trim();
    const space = name.indexOf(' ');
    row.first_name = space < 0 ? name : name.slice(0, space);
    row.last_name = space < 0 ? '' : name.slice(space + 1);
  },
  searchFields: ['custom_fields', 'email', 'notes', 'phone', 'name'],
  searchText: (row) => ({
    name: [row.name as string],
    email: (row.emails as { value: string }[]).map((e) => e.value),
    phone: (row.phones as { value: string }[]).map((p) => p.value),
    notes: typeof row.notes === 'string' ? [row.notes] : [],
    custom_fields: customText(row),
  }),
};

const deals: EntitySpec = {
  name: 'deals',
  object: 'deal',
  label: 'Deal',
  required: 'title',
  writable: {
    title: nonEmptyStr,
    owner_id: int,
    person_id: nullable(int),
    org_id: nullable(int),
    pipeline_id: int,
    stage_id: int,
    value: num,
    currency: str,
    status: oneOf('open', 'won', 'lost'),
    probability: nullable(num),
    lost_reason: nullable(str),
    visible_to: visibleTo,
    expected_close_date: nullable(date),
    label_ids: intArray,
    is_archived: bool,
  },
  createOnly: { add_time: str },
  defaults: (ctx) => ({
    title: '',
    owner_id: ctx.userId,
    person_id: null,
    org_id: null,
    pipeline_id: 1,
    stage_id: 1,
    value: 0,
    currency: ctx.currency,
    stage_change_time: null,
    is_archived: false,
    status: 'open',
    probability: null,
    lost_reason: null,
    visible_to: 3,
    close_time: null,
    won_time: null,
    lost_time: null,
    expected_close_date: null,
    label_ids: [],
    origin: 'API',
    origin_id: null,
    channel: null,
    channel_id: null,
    source_lead_id: null,
    arr: null,
    mrr: null,
    acv: null,
  }),
  derive: (row, changed, now) => {
    if (changed.has('stage_id')) row.stage_change_time = now;
    if (!changed.has('status')) return;
    row.won_time = row.status === 'won' ? now : null;
    row.lost_time = row.status === 'lost' ? now : null;
    row.close_time = row.status === 'open' ? null : now;
  },
  searchFields: ['custom_fields', 'notes', 'title'],
  searchText: (row) => ({
    title: [row.title as string],
    notes: [],
    custom_fields: customText(row),
  }),
};

function customText(row: Row): string[] {
  const out: string[] = [];
  for (const v of Object.values(row.custom_fields)) if (typeof v === 'string' || typeof v === 'number') out.push(String(v));
  return out;
}

export const ENTITIES: Record<EntityName, EntitySpec> = { organizations, persons, deals };
