/**
 * Record writes with Salesforce's validation order: field names and value types first (as the
 * request is deserialized), then field-level write permission, then required fields and unique
 * values. Single-record routes, collections, composite and the admin API all write through here.
 */
import { SfRecordError, type SfError } from './errors.js';
import { canonicalId } from './ids.js';
import type { SalesforceOrg } from './org.js';
import type { FieldDef, SObjectDef } from './schema.js';
import type { ObjectTable, SfRecord, Transaction } from './store.js';
import { coerceValue } from './values.js';

export interface WriteContext {
  org: SalesforceOrg;
  tx: Transaction;
  /** User recorded in CreatedById / LastModifiedById. */
  actorId: string;
  /** A system change (e.g. a recalculation): only SystemModstamp moves, LastModifiedDate stays. */
  systemOnly?: boolean;
}

/** An external id matched several records: 300 for single upserts, an error item in collections. */
export class MultipleMatchError extends SfRecordError {
  constructor(
    readonly field: FieldDef,
    readonly ids: string[],
  ) {
    super({
      errorCode: 'DUPLICATE_EXTERNAL_ID',
      message: `${field.name}: more than one record found for external id field: [${ids.join(', ')}]`,
      fields: [field.name],
    });
  }
}

function fail(error: SfError): never {
  throw new SfRecordError(error);
}

function resolveByExternalId(ctx: WriteContext, ref: FieldDef, value: unknown): string {
  const target = ref.referenceTo ? ctx.org.store.table(ref.referenceTo) : undefined;
  const keys = value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value).filter((k) => k !== 'attributes') : [];
  const extField = target && keys.length === 1 ? target.def.byLowerName.get((keys[0] as string).toLowerCase()) : undefined;
  if (!target || !extField || !(extField.externalId || extField.name === 'Id')) {
    fail({ errorCode: 'INVALID_FIELD', message: `Invalid foreign key relationship name ${ref.relationshipName ?? ref.name}`, fields: [ref.name] });
  }
  const raw = (value as Record<string, unknown>)[keys[0] as string];
  const ids = extField.name === 'Id' ? [canonicalId(String(raw))].filter((x): x is string => !!x && target.live.has(x)) : target.match(extField, coerceValue(extField, raw));
  if (ids.length === 0) {
    fail({ errorCode: 'INVALID_FIELD', message: `Foreign key external ID: ${String(raw)} not found for field ${extField.name} in entity ${target.def.name}`, fields: [ref.name] });
  }
  if (ids.length > 1) {
    fail({ errorCode: 'INVALID_FIELD', message: `Foreign key external ID: ${String(raw)} matches multiple records for field ${extField.name} in entity ${target.def.name}`, fields: [ref.name] });
  }
  return ids[0] as string;
}

// UNCONFIRMED: the codes for a lookup to a record of the wrong type, a deleted record or a missing
// one follow commonly reported responses, not a documented table.
function checkReference(ctx: WriteContext, field: FieldDef, id: string): void {
  if (field.referenceTo === 'User') {
    if (!id.startsWith('005')) fail({ errorCode: 'FIELD_INTEGRITY_EXCEPTION', message: `${field.label}: id value of incorrect type: ${id}`, fields: [field.name] });
    return;
  }
  const target = field.referenceTo ? ctx.org.store.table(field.referenceTo) : undefined;
  if (!target || !id.startsWith(target.def.keyPrefix)) {
    fail({ errorCode: 'FIELD_INTEGRITY_EXCEPTION', message: `${field.label}: id value of incorrect type: ${id}`, fields: [field.name] });
  }
  if (target.live.has(id)) return;
  if (target.deleted.has(id)) fail({ errorCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [field.name] });
  fail({ errorCode: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id', fields: [field.name] });
}

/** Validates and converts a request body into field values. */
function prepare(ctx: WriteContext, def: SObjectDef, input: Record<string, unknown>, mode: 'create' | 'update'): Map<FieldDef, unknown> {
  const out = new Map<FieldDef, unknown>();
  const locked: string[] = [];
  for (const key of Object.keys(input)) {
    if (key === 'attributes') continue;
    const lower = key.toLowerCase();
    const value = input[key];
    const field = def.byLowerName.get(lower);
    if (!field) {
      const ref = def.byRelationship.get(lower);
      if (ref && value !== null && typeof value === 'object') {
        if (!(mode === 'create' ? ref.createable : ref.updateable)) locked.push(ref.name);
        else out.set(ref, resolveByExternalId(ctx, ref, value));
        continue;
      }
      fail({ errorCode: 'INVALID_FIELD', message: `No such column '${key}' on sobject of type ${def.name}` });
    }
    if (field.name === 'Id') {
      if (mode === 'create') fail({ errorCode: 'INVALID_FIELD', message: 'cannot specify Id in an insert call', fields: ['Id'] });
      continue;
    }
    const coerced = coerceValue(field, value);
    if (!(mode === 'create' ? field.createable : field.updateable)) {
      locked.push(field.name);
      continue;
    }
    if (field.type === 'reference' && coerced !== null) checkReference(ctx, field, coerced as string);
    out.set(field, coerced);
  }
  if (locked.length > 0) {
    fail({
      errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
      message: `Unable to create/update fields: ${locked.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
      fields: locked,
    });
  }
  return out;
}

function checkRequired(def: SObjectDef, record: Record<string, unknown>): void {
  const missing = def.fields.filter((f) => f.required && (record[f.name] === null || record[f.name] === undefined)).map((f) => f.name);
  if (missing.length > 0) fail({ errorCode: 'REQUIRED_FIELD_MISSING', message: `Required fields are missing: [${missing.join(', ')}]`, fields: missing });
}

function checkUnique(table: ObjectTable, record: Record<string, unknown>, selfId: string): void {
  for (const f of table.def.uniques) {
    const v = record[f.name];
    if (v === null || v === undefined) continue;
    const other = table.match(f, v).find((id) => id !== selfId);
    if (other) fail({ errorCode: 'DUPLICATE_VALUE', message: `duplicate value found: ${f.name} duplicates value on record with id: ${other}`, fields: [] });
  }
}

/** A field the org derives from others (Contact.Name from first and last name). */
export function isDerivedField(def: SObjectDef, field: FieldDef): boolean {
  return field.name === 'Name' && !field.createable && !field.autoNumber && def.byLowerName.has('lastname');
}

function derive(def: SObjectDef, record: Record<string, unknown>): void {
  const nameField = def.byLowerName.get('name');
  if (nameField && isDerivedField(def, nameField)) {
    const name = [record.FirstName, record.LastName].filter((x) => x !== null && x !== undefined && x !== '').join(' ');
    record.Name = name === '' ? null : name;
  }
}

function nextAutoNumber(table: ObjectTable, field: FieldDef): string {
  const n = (table.autoNumbers.get(field.name) ?? 0) + 1;
  table.autoNumbers.set(field.name, n);
  return (field.autoNumber as string).replace(/\{(0+)\}/, (_m, zeros: string) => String(n).padStart(zeros.length, '0'));
}

export interface CreateOptions {
  /** Fixed id (fixtures). */
  id?: string;
  /** Fixed CreatedDate/LastModifiedDate/SystemModstamp (fixtures). */
  stamp?: string;
}

export function createRecord(ctx: WriteContext, table: ObjectTable, input: Record<string, unknown>, options: CreateOptions = {}): string {
  const def = table.def;
  const values = prepare(ctx, def, input, 'create');
  const record: Record<string, unknown> = {};
  for (const f of def.fields) record[f.name] = values.has(f) ? values.get(f) : null;
  derive(def, record);
  checkRequired(def, record);
  checkUnique(table, record, '');
  const stamp = options.stamp ?? ctx.tx.stamp();
  const id = options.id ?? ctx.org.newId(def);
  for (const f of def.fields) if (f.autoNumber) record[f.name] = nextAutoNumber(table, f);
  record.Id = id;
  record.IsDeleted = false;
  if ('OwnerId' in record && record.OwnerId === null) record.OwnerId = ctx.actorId;
  record.CreatedDate = stamp;
  record.CreatedById = ctx.actorId;
  record.LastModifiedDate = stamp;
  record.LastModifiedById = ctx.actorId;
  record.SystemModstamp = stamp;
  ctx.tx.put(table, id, Object.freeze(record));
  return id;
}

/** The live record, or the error Salesforce gives for a deleted or unknown id. */
export function requireLive(table: ObjectTable, id: string): SfRecord {
  const rec = table.live.get(id);
  if (rec) return rec;
  if (table.deleted.has(id)) fail({ errorCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] });
  fail({ errorCode: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id', fields: [] });
}

export function updateRecord(ctx: WriteContext, table: ObjectTable, id: string, input: Record<string, unknown>): void {
  const existing = requireLive(table, id);
  const values = prepare(ctx, table.def, input, 'update');
  const record: Record<string, unknown> = { ...existing };
  for (const [f, v] of values) record[f.name] = v;
  derive(table.def, record);
  checkRequired(table.def, record);
  checkUnique(table, record, id);
  const stamp = ctx.tx.stamp();
  if (!ctx.systemOnly) {
    record.LastModifiedDate = stamp;
    record.LastModifiedById = ctx.actorId;
  }
  record.SystemModstamp = stamp;
  ctx.tx.put(table, id, Object.freeze(record));
}

export function deleteRecord(ctx: WriteContext, table: ObjectTable, id: string): void {
  const existing = requireLive(table, id);
  const stamp = ctx.tx.stamp();
  ctx.tx.remove(table, id, Object.freeze({ ...existing, IsDeleted: true, LastModifiedDate: stamp, LastModifiedById: ctx.actorId, SystemModstamp: stamp }));
}

/** Finds an external-id field by name (case-insensitive); `Id` also qualifies. */
export function externalIdField(def: SObjectDef, name: string): FieldDef | undefined {
  const f = def.byLowerName.get(name.toLowerCase());
  return f && (f.externalId || f.name === 'Id') ? f : undefined;
}

/** Ids of live records whose external id equals `raw` (a URL segment or a JSON value). */
export function matchExternalId(table: ObjectTable, field: FieldDef, raw: unknown): string[] {
  if (field.name === 'Id') {
    const id = typeof raw === 'string' ? canonicalId(raw) : undefined;
    return id && table.live.has(id) ? [id] : [];
  }
  const value = coerceValue(field, raw);
  return value === null ? [] : table.match(field, value);
}

export interface UpsertOutcome {
  id: string;
  created: boolean;
}

/**
 * Upsert by external id. `input` must not carry the external-id field itself when it comes from a
 * single-record URL; collections pass the value inside each record.
 */
export function upsertRecord(
  ctx: WriteContext,
  table: ObjectTable,
  field: FieldDef,
  raw: unknown,
  input: Record<string, unknown>,
  updateOnly = false,
): UpsertOutcome | undefined {
  const ids = matchExternalId(table, field, raw);
  if (ids.length > 1) throw new MultipleMatchError(field, ids);
  if (ids.length === 1) {
    updateRecord(ctx, table, ids[0] as string, input);
    return { id: ids[0] as string, created: false };
  }
  if (updateOnly || field.name === 'Id') return undefined;
  const id = createRecord(ctx, table, { ...input, [field.name]: raw });
  return { id, created: true };
}
