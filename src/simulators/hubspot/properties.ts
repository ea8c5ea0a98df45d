/**
 * Property definitions per object type (the properties API) and the checks HubSpot applies to
 * property values on writes. Values are stored as strings; datetimes are kept as epoch-ms strings
 * internally so comparisons are cheap, and formatted on the way out.
 */
import { errorBody, HubspotHttpError, type ErrorDetail } from './errors.js';
import { OBJECT_TYPES, type ObjectType } from './objectTypes.js';

export type PropertyType = 'string' | 'number' | 'date' | 'datetime' | 'enumeration' | 'bool';

export interface PropertyOption {
  label: string;
  value: string;
  displayOrder: number;
  hidden: boolean;
}

export interface PropertyDefinition {
  name: string;
  label: string;
  type: PropertyType;
  fieldType: string;
  description: string;
  groupName: string;
  options: PropertyOption[];
  displayOrder: number;
  calculated: boolean;
  externalOptions: boolean;
  hasUniqueValue: boolean;
  hidden: boolean;
  formField: boolean;
  hubspotDefined?: boolean;
  modificationMetadata: { archivable: boolean; readOnlyDefinition: boolean; readOnlyValue: boolean };
  createdAt?: string;
  updatedAt?: string;
  archived: boolean;
}

interface Spec {
  name: string;
  type?: PropertyType;
  readOnly?: boolean;
  unique?: boolean;
  options?: string[];
}

const FIELD_TYPES: Record<PropertyType, string> = {
  string: 'text',
  number: 'number',
  date: 'date',
  datetime: 'date',
  enumeration: 'select',
  bool: 'booleancheckbox',
};

const LIFECYCLE = ['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other'];

// A representative subset of each object's built-in properties. `industry` is an enumeration of
// ~150 values in HubSpot; it is kept as free text here so fixtures need not mirror that list.
const BUILT_IN: Record<string, Spec[]> = {
  contacts: [
    { name: 'email', unique: true },
    { name: 'firstname' },
    { name: 'lastname' },
    { name: 'phone' },
    { name: 'mobilephone' },
    { name: 'company' },
    { name: 'website' },
    { name: 'jobtitle' },
    // Not on the fact sheet: public integrations read and search it as a standard contact property.
    { name: 'hs_linkedin_url' },
    { name: 'address' },
    { name: 'city' },
    { name: 'state' },
    { name: 'zip' },
    { name: 'country' },
    { name: 'lifecyclestage', type: 'enumeration', options: LIFECYCLE },
    {
      name: 'hs_lead_status',
      type: 'enumeration',
      options: ['NEW', 'OPEN', 'IN_PROGRESS', 'OPEN_DEAL', 'UNQUALIFIED', 'ATTEMPTED_TO_CONTACT', 'CONNECTED', 'BAD_TIMING'],
    },
    { name: 'hubspot_owner_id' },
    { name: 'createdate', type: 'datetime' },
    { name: 'lastmodifieddate', type: 'datetime', readOnly: true },
    { name: 'hs_object_id', type: 'number', readOnly: true },
  ],
  companies: [
    { name: 'name' },
    { name: 'domain' },
    { name: 'website' },
    { name: 'phone' },
    { name: 'address' },
    { name: 'city' },
    { name: 'state' },
    { name: 'zip' },
    { name: 'country' },
    { name: 'industry' },
    { name: 'linkedin_company_page' },
    { name: 'description' },
    { name: 'numberofemployees', type: 'number' },
    { name: 'annualrevenue', type: 'number' },
    { name: 'lifecyclestage', type: 'enumeration', options: LIFECYCLE },
    { name: 'hubspot_owner_id' },
    { name: 'createdate', type: 'datetime' },
    { name: 'hs_lastmodifieddate', type: 'datetime', readOnly: true },
    { name: 'hs_object_id', type: 'number', readOnly: true },
  ],
  deals: [
    { name: 'dealname' },
    { name: 'amount', type: 'number' },
    { name: 'closedate', type: 'datetime' },
    { name: 'pipeline', type: 'enumeration', options: ['default'] },
    {
      name: 'dealstage',
      type: 'enumeration',
      options: ['appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled', 'decisionmakerboughtin', 'contractsent', 'closedwon', 'closedlost'],
    },
    { name: 'dealtype', type: 'enumeration', options: ['newbusiness', 'existingbusiness'] },
    { name: 'description' },
    { name: 'hubspot_owner_id' },
    { name: 'createdate', type: 'datetime' },
    { name: 'hs_lastmodifieddate', type: 'datetime', readOnly: true },
    { name: 'hs_object_id', type: 'number', readOnly: true },
  ],
  notes: [
    { name: 'hs_note_body' },
    { name: 'hs_timestamp', type: 'datetime' },
    { name: 'hubspot_owner_id' },
    { name: 'hs_createdate', type: 'datetime', readOnly: true },
    { name: 'hs_lastmodifieddate', type: 'datetime', readOnly: true },
    { name: 'hs_object_id', type: 'number', readOnly: true },
  ],
  // UNCONFIRMED: task properties and their options are not in the fact sheet; these are the
  // ones HubSpot documents for creating tasks.
  tasks: [
    { name: 'hs_task_subject' },
    { name: 'hs_task_body' },
    { name: 'hs_timestamp', type: 'datetime' },
    { name: 'hs_task_status', type: 'enumeration', options: ['NOT_STARTED', 'IN_PROGRESS', 'WAITING', 'COMPLETED', 'DEFERRED'] },
    { name: 'hs_task_priority', type: 'enumeration', options: ['LOW', 'MEDIUM', 'HIGH'] },
    { name: 'hs_task_type', type: 'enumeration', options: ['TODO', 'CALL', 'EMAIL'] },
    { name: 'hubspot_owner_id' },
    { name: 'hs_createdate', type: 'datetime', readOnly: true },
    { name: 'hs_lastmodifieddate', type: 'datetime', readOnly: true },
    { name: 'hs_object_id', type: 'number', readOnly: true },
  ],
};

function groupFor(type: ObjectType): string {
  return type.name === 'notes' || type.name === 'tasks' ? 'engagement' : `${type.singular}information`;
}

function labelOf(name: string): string {
  return name.replace(/^hs_/, '').replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

function define(type: ObjectType, s: Spec, order: number): PropertyDefinition {
  const t = s.type ?? 'string';
  return {
    name: s.name,
    label: labelOf(s.name),
    type: t,
    fieldType: FIELD_TYPES[t],
    description: '',
    groupName: groupFor(type),
    options: (s.options ?? []).map((v, i) => ({ label: labelOf(v), value: v, displayOrder: i, hidden: false })),
    displayOrder: order,
    calculated: false,
    externalOptions: false,
    hasUniqueValue: s.unique ?? false,
    hidden: false,
    formField: !s.readOnly,
    hubspotDefined: true,
    modificationMetadata: { archivable: false, readOnlyDefinition: true, readOnlyValue: s.readOnly ?? false },
    archived: false,
  };
}

/** Properties known for each object type, built-in ones plus those created through the API. */
export class PropertyRegistry {
  private readonly byType = new Map<string, Map<string, PropertyDefinition>>();

  constructor() {
    this.reset();
  }

  /** Back to the built-in properties only. */
  reset(): void {
    for (const t of OBJECT_TYPES) {
      const m = new Map<string, PropertyDefinition>();
      (BUILT_IN[t.name] ?? []).forEach((s, i) => m.set(s.name, define(t, s, i)));
      this.byType.set(t.name, m);
    }
  }

  all(type: ObjectType): PropertyDefinition[] {
    return [...this.of(type).values()];
  }

  get(type: ObjectType, name: string): PropertyDefinition | undefined {
    return this.of(type).get(name);
  }

  private of(type: ObjectType): Map<string, PropertyDefinition> {
    return this.byType.get(type.name) as Map<string, PropertyDefinition>;
  }

  /** Creates a custom property (POST /crm/v3/properties/{objectType}). */
  create(type: ObjectType, input: unknown, nowIso: string): PropertyDefinition {
    const b = (input ?? {}) as Record<string, unknown>;
    const problems: ErrorDetail[] = [];
    for (const f of ['name', 'label', 'type', 'fieldType', 'groupName']) {
      if (typeof b[f] !== 'string' || b[f] === '') problems.push({ message: `${f} is required`, code: 'REQUIRED_FIELD', in: f });
    }
    const name = String(b.name ?? '');
    if (name && !/^[a-z][a-z0-9_]*$/.test(name)) {
      problems.push({ message: `Property name '${name}' must be lowercase letters, digits and underscores`, code: 'INVALID_NAME', in: 'name' });
    }
    const ptype = b.type as PropertyType;
    if (b.type !== undefined && !(ptype in FIELD_TYPES)) {
      problems.push({ message: `type must be one of ${Object.keys(FIELD_TYPES).join(', ')}`, code: 'INVALID_ENUM', in: 'type' });
    }
    if (problems.length) throw new HubspotHttpError(400, errorBody('VALIDATION_ERROR', 'Invalid input JSON on property definition', { errors: problems }));
    if (this.of(type).has(name)) {
      throw new HubspotHttpError(409, errorBody('OBJECT_ALREADY_EXISTS', `Property named '${name}' already exists.`));
    }
    const options = Array.isArray(b.options) ? (b.options as Array<Record<string, unknown>>) : [];
    const def: PropertyDefinition = {
      name,
      label: String(b.label),
      type: ptype,
      fieldType: String(b.fieldType),
      description: typeof b.description === 'string' ? b.description : '',
      groupName: String(b.groupName),
      options: options.map((o, i) => ({
        label: String(o.label ?? o.value),
        value: String(o.value),
        displayOrder: typeof o.displayOrder === 'number' ? o.displayOrder : i,
        hidden: o.hidden === true,
      })),
      displayOrder: typeof b.displayOrder === 'number' ? b.displayOrder : -1,
      calculated: false,
      externalOptions: false,
      hasUniqueValue: b.hasUniqueValue === true,
      hidden: b.hidden === true,
      formField: b.formField === true,
      modificationMetadata: { archivable: true, readOnlyDefinition: false, readOnlyValue: false },
      createdAt: nowIso,
      updatedAt: nowIso,
      archived: false,
    };
    this.of(type).set(name, def);
    return def;
  }
}

/** One invalid value, in the shape HubSpot embeds in "Property values were not valid: [...]". */
export interface PropertyProblem {
  isValid: false;
  message: string;
  error: string;
  name: string;
}

function problem(name: string, error: string, message: string): PropertyProblem {
  return { isValid: false, message, error, name };
}

/** Parses an epoch-ms number/string, an ISO-8601 datetime or a `YYYY-MM-DD` date to epoch ms. */
export function parseDateValue(v: string): number | undefined {
  if (/^-?\d+$/.test(v)) return Number(v);
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Checks and normalises the `properties` of a write. Returns normalised string values, or the
 * problems HubSpot would report. Numbers and booleans sent as JSON are accepted as their string
 * form; `null` and `""` clear a value.
 */
export function normaliseWrite(
  registry: PropertyRegistry,
  type: ObjectType,
  input: unknown,
  opts: { allowCreateDate: boolean },
): { values: Record<string, string>; problems: PropertyProblem[] } {
  const values: Record<string, string> = {};
  const problems: PropertyProblem[] = [];
  if (input === undefined || input === null) return { values, problems };
  if (typeof input !== 'object' || Array.isArray(input)) {
    problems.push(problem('properties', 'INVALID_INPUT', 'properties must be an object'));
    return { values, problems };
  }
  for (const [name, raw] of Object.entries(input as Record<string, unknown>)) {
    const def = registry.get(type, name);
    if (!def) {
      problems.push(problem(name, 'PROPERTY_DOESNT_EXIST', `Property "${name}" does not exist`));
      continue;
    }
    const isCreateDate = name === type.createdProperty && opts.allowCreateDate;
    // UNCONFIRMED: error code and wording for writes to read-only properties.
    if (def.modificationMetadata.readOnlyValue && !isCreateDate) {
      problems.push(problem(name, 'READ_ONLY_VALUE', `${name} is a read only property; its value cannot be set.`));
      continue;
    }
    const value = raw === null || raw === undefined ? '' : typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
    if (value === '') {
      values[name] = '';
      continue;
    }
    switch (def.type) {
      case 'number':
        if (!Number.isFinite(Number(value))) {
          // UNCONFIRMED: error code for a malformed number.
          problems.push(problem(name, 'INVALID_DECIMAL', `${value} was not a valid number.`));
          continue;
        }
        values[name] = value;
        break;
      case 'date':
      case 'datetime': {
        const ms = parseDateValue(value);
        if (ms === undefined) {
          // UNCONFIRMED: error code for a malformed date.
          problems.push(problem(name, 'INVALID_DATE', `${value} is not a valid date or datetime.`));
          continue;
        }
        values[name] = String(ms);
        break;
      }
      case 'enumeration': {
        // Multi-select values are `a;b`; every part must be an allowed option.
        const allowed = def.options.map((o) => o.value);
        const bad = value.split(';').find((part) => !allowed.includes(part));
        if (def.options.length > 0 && bad !== undefined) {
          problems.push(problem(name, 'INVALID_OPTION', `${bad} was not one of the allowed options: [${allowed.map((a) => `label: "${labelOf(a)}"\nvalue: "${a}"`).join(', ')}]`));
          continue;
        }
        values[name] = value;
        break;
      }
      case 'bool':
        values[name] = value === 'true' || value === 'false' ? value : String(value === '1' || value.toLowerCase() === 'true');
        break;
      default:
        values[name] = value;
    }
  }
  return { values, problems };
}

/** The 400 HubSpot answers for invalid property values (DOC changelog property-validations example). */
export function propertyValidationError(problems: PropertyProblem[]): HubspotHttpError {
  return new HubspotHttpError(
    400,
    errorBody('VALIDATION_ERROR', `Property values were not valid: ${JSON.stringify(problems)}`, {
      // UNCONFIRMED: the documented example carries only `message`; the per-property `errors[]`
      // entries follow the generic error shape of FACTS §1.8.
      errors: problems.map((p) => ({ message: p.message, code: p.error, context: { propertyName: [p.name] } })),
    }),
  );
}

/** Writes a stored value the way HubSpot returns it. */
export function formatValue(def: PropertyDefinition | undefined, stored: string, datetimeFormat: 'iso' | 'epoch-ms'): string {
  if (stored === '' || !def) return stored;
  if (def.type === 'datetime' && datetimeFormat === 'iso') return new Date(Number(stored)).toISOString();
  if (def.type === 'date' && datetimeFormat === 'iso') return new Date(Number(stored)).toISOString().slice(0, 10);
  return stored;
}
