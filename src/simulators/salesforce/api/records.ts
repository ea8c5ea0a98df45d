/**
 * Helpers the record resources share: resolving objects and ids the way the REST API reports
 * misses, reading request bodies and rendering records with their `attributes`.
 */
import { SfApiError, apiError, notFound } from '../errors.js';
import { canonicalId } from '../ids.js';
import type { SalesforceOrg } from '../org.js';
import type { FieldDef, SObjectDef } from '../schema.js';
import type { ObjectTable, SfRecord } from '../store.js';
import type { WriteContext } from '../dml.js';
import { sobjectUrl, type ApiContext, type ApiRequest } from './types.js';

export function requireTable(org: SalesforceOrg, name: string): ObjectTable {
  const table = org.store.table(name);
  if (!table) throw notFound();
  return table;
}

/**
 * The canonical id of `raw` within `table`. A value that is not id-shaped is read by Salesforce as
 * an external-id field name missing its value.
 */
export function requireIdShape(table: ObjectTable, raw: string): string {
  const id = canonicalId(raw);
  if (!id) throw notFound(`Provided external ID field does not exist or is not accessible: ${raw}`);
  if (!id.startsWith(table.def.keyPrefix)) throw notFound();
  return id;
}

export function requireLiveRecord(table: ObjectTable, id: string): SfRecord {
  const rec = table.live.get(id);
  if (rec) return rec;
  if (table.deleted.has(id)) throw new SfApiError(404, [{ errorCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }]);
  throw notFound();
}

// UNCONFIRMED: the wording for a missing or non-object body.
export function requireObjectBody(req: ApiRequest): Record<string, unknown> {
  const b = req.body;
  if (b === undefined || b === null || typeof b !== 'object' || Array.isArray(b)) {
    throw apiError(400, 'JSON_PARSER_ERROR', 'The HTTP entity body is required, but this request has no entity body.');
  }
  return b as Record<string, unknown>;
}

export function invalidFieldError(def: SObjectDef, name: string): SfApiError {
  return apiError(
    400,
    'INVALID_FIELD',
    `No such column '${name}' on entity '${def.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
  );
}

/** Parses a `fields=A,B` list; undefined when absent. */
export function fieldList(def: SObjectDef, raw: string | undefined): FieldDef[] | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  return raw.split(',').map((name) => {
    const f = def.byLowerName.get(name.trim().toLowerCase());
    if (!f) throw invalidFieldError(def, name.trim());
    return f;
  });
}

export function attributes(version: string, def: SObjectDef, id: unknown): { type: string; url: string } {
  return { type: def.name, url: sobjectUrl(version, def.name, String(id)) };
}

/** A record as returned by GET: every field, or the requested ones plus Id. */
export function renderRecord(version: string, def: SObjectDef, rec: SfRecord, fields?: FieldDef[]): Record<string, unknown> {
  if (!fields) return { attributes: attributes(version, def, rec.Id), ...rec };
  const out: Record<string, unknown> = { attributes: attributes(version, def, rec.Id) };
  for (const f of fields) out[f.name] = rec[f.name] ?? null;
  if (!('Id' in out)) out.Id = rec.Id;
  return out;
}

export function writeContext(ctx: ApiContext): WriteContext {
  return { org: ctx.org, tx: ctx.tx, actorId: ctx.actorId };
}
