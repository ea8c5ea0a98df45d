/**
 * Field definitions per entity: the standard fields and the company's custom fields, whose keys
 * are random 40-character hashes (FACTS §2.2). v2 names them `field_code`/`field_name`, v1
 * `key`/`name`; both views are built from one definition.
 */
import { ValidationError, isPlainObject, type EntityName } from './records.js';

export type CustomFieldType = 'varchar' | 'text' | 'double' | 'enum' | 'set' | 'date' | 'phone';

export interface FieldOption {
  id: number;
  label: string;
}

export interface FieldDefinition {
  /** The v1 numeric id. */
  id: number;
  code: string;
  name: string;
  type: string;
  custom: boolean;
  options: FieldOption[] | null;
  addTime: string;
}

interface StandardField {
  code: string;
  name: string;
  type: string;
  options?: FieldOption[];
}

const VISIBLE_TO: FieldOption[] = [
  { id: 1, label: 'Owner & followers' },
  { id: 3, label: 'Entire company' },
];

const STANDARD: Record<EntityName, StandardField[]> = {
  organizations: [
    { code: 'name', name: 'Name', type: 'varchar' },
    { code: 'owner_id', name: 'Owner', type: 'user' },
    { code: 'address', name: 'Address', type: 'address' },
    { code: 'website', name: 'Website', type: 'varchar' },
    { code: 'linkedin', name: 'LinkedIn profile', type: 'varchar' },
    { code: 'visible_to', name: 'Visible to', type: 'visible_to', options: VISIBLE_TO },
    { code: 'add_time', name: 'Organization created', type: 'date' },
    { code: 'update_time', name: 'Update time', type: 'date' },
  ],
  persons: [
    { code: 'name', name: 'Name', type: 'varchar' },
    { code: 'owner_id', name: 'Owner', type: 'user' },
    { code: 'org_id', name: 'Organization', type: 'org' },
    { code: 'emails', name: 'Email', type: 'varchar' },
    { code: 'phones', name: 'Phone', type: 'phone' },
    { code: 'visible_to', name: 'Visible to', type: 'visible_to', options: VISIBLE_TO },
    { code: 'add_time', name: 'Person created', type: 'date' },
    { code: 'update_time', name: 'Update time', type: 'date' },
  ],
  deals: [
    { code: 'title', name: 'Title', type: 'varchar' },
    { code: 'owner_id', name: 'Owner', type: 'user' },
    { code: 'value', name: 'Value', type: 'monetary' },
    { code: 'org_id', name: 'Organization', type: 'org' },
    { code: 'person_id', name: 'Contact person', type: 'people' },
    { code: 'expected_close_date', name: 'Expected close date', type: 'date' },
    { code: 'visible_to', name: 'Visible to', type: 'visible_to', options: VISIBLE_TO },
    { code: 'add_time', name: 'Deal created', type: 'date' },
    { code: 'update_time', name: 'Update time', type: 'date' },
  ],
};

export function standardFields(entity: EntityName, firstId: number, addTime: string): FieldDefinition[] {
  return STANDARD[entity].map((f, i) => ({
    id: firstId + i,
    code: f.code,
    name: f.name,
    type: f.type,
    custom: false,
    options: f.options ?? null,
    addTime,
  }));
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** Checks one custom field value against its definition; `null` clears a value. */
export function checkCustomValue(def: FieldDefinition, value: unknown): unknown {
  if (value === null) return null;
  const bad = (what: string): never => {
    throw new ValidationError(`Validation failed: custom_fields.${def.code}: ${what}`);
  };
  switch (def.type) {
    case 'double':
      if (typeof value !== 'number' || !Number.isFinite(value)) bad('must be a number');
      return value;
    case 'enum': {
      if (typeof value !== 'number' || !def.options?.some((o) => o.id === value)) bad('must be the id of an option');
      return value;
    }
    case 'set': {
      // The spec: "sending an empty array [] is not supported and will result in a validation error".
      if (!Array.isArray(value) || value.length === 0) bad('must be a non-empty array of option ids');
      for (const v of value as unknown[]) if (!def.options?.some((o) => o.id === v)) bad('must hold ids of options');
      return [...(value as number[])];
    }
    case 'date':
      if (typeof value !== 'string' || !DATE_RE.test(value)) bad('must be a date YYYY-MM-DD');
      return value;
    default:
      if (typeof value !== 'string') bad('must be a string');
      return value;
  }
}

/**
 * Applies a `custom_fields` object onto the current values. Unknown keys are refused, so a
 * mapping that names a field the company does not have fails loudly (the live API's exact
 * wording is UNCONFIRMED).
 */
export function applyCustomFields(
  defs: ReadonlyMap<string, FieldDefinition>,
  current: Record<string, unknown>,
  patch: unknown,
): Record<string, unknown> {
  if (!isPlainObject(patch)) throw new ValidationError('Validation failed: custom_fields: must be an object');
  const next = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    const def = defs.get(key);
    if (!def) throw new ValidationError(`Validation failed: custom_fields.${key}: unknown custom field`);
    next[key] = checkCustomValue(def, value);
  }
  return next;
}

/** The v2 field object (`GET /api/v2/{entity}Fields`). */
export function v2Field(def: FieldDefinition): Record<string, unknown> {
  return {
    field_name: def.name,
    field_code: def.code,
    field_type: def.type,
    options: def.options ? def.options.map((o) => ({ id: o.id, label: o.label, color: null })) : null,
    subfields: null,
    is_custom_field: def.custom,
    is_optional_response_field: false,
  };
}

/** The v1 field object (`GET /v1/{entity}Fields`): `key` is the hash that names custom fields. */
export function v1Field(def: FieldDefinition, order: number): Record<string, unknown> {
  return {
    id: def.id,
    key: def.code,
    name: def.name,
    order_nr: order,
    field_type: def.type,
    add_time: def.addTime,
    update_time: def.addTime,
    last_updated_by_user_id: null,
    created_by_user_id: null,
    active_flag: true,
    edit_flag: def.custom,
    index_visible_flag: true,
    details_visible_flag: true,
    add_visible_flag: true,
    important_flag: false,
    bulk_edit_allowed: true,
    searchable_flag: def.custom && def.type === 'varchar',
    filtering_allowed: true,
    sortable_flag: true,
    mandatory_flag: !def.custom && (def.code === 'name' || def.code === 'title'),
    options: def.options,
  };
}
