/**
 * sObject Collections (`/composite/sobjects`): create, update, upsert and delete of up to 200
 * records in one call, answered with a SaveResult per record in input order. With `allOrNone`
 * every write is rolled back when any record fails; records that would have succeeded then report
 * ALL_OR_NONE_OPERATION_ROLLED_BACK.
 */
import { ROLLED_BACK, SfRecordError, apiError, saveResultError, type SfError } from '../errors.js';
import { createRecord, deleteRecord, externalIdField, requireLive, updateRecord, upsertRecord, type WriteContext } from '../dml.js';
import { canonicalId } from '../ids.js';
import type { FieldDef } from '../schema.js';
import { indexKey } from '../values.js';
import { fieldList, renderRecord, requireObjectBody, requireTable, writeContext } from './records.js';
import type { ApiRouter } from './router.js';
import type { ApiContext, ApiRequest, ApiResult } from './types.js';

const MAX_RECORDS = 200;

interface Outcome {
  id?: string;
  created?: boolean;
  /** The id was minted by this call, so a rollback takes it back. */
  fresh?: boolean;
  error?: SfError;
}

function tooMany(count: number): never {
  // UNCONFIRMED: the code and wording when a collection exceeds 200 records.
  throw apiError(400, 'EXCEEDED_ID_LIMIT', `record limit reached. cannot submit more than ${MAX_RECORDS} records into this call (got ${count})`);
}

function collectionBody(req: ApiRequest): { allOrNone: boolean; records: Array<Record<string, unknown>> } {
  const body = requireObjectBody(req);
  const records = body.records;
  if (!Array.isArray(records) || records.some((r) => r === null || typeof r !== 'object' || Array.isArray(r))) {
    throw apiError(400, 'JSON_PARSER_ERROR', 'records must be an array of sObjects');
  }
  if (records.length > MAX_RECORDS) tooMany(records.length);
  return { allOrNone: body.allOrNone === true, records: records as Array<Record<string, unknown>> };
}

function recordType(rec: Record<string, unknown>): string | undefined {
  const attrs = rec.attributes as { type?: unknown } | undefined;
  return attrs && typeof attrs.type === 'string' ? attrs.type : undefined;
}

/**
 * Runs one write per record, collecting SaveResults. A value of the wrong JSON type fails the
 * whole request, as Salesforce fails while deserializing it before any record is saved.
 */
function runAll(ctx: ApiContext, allOrNone: boolean, count: number, write: (i: number, w: WriteContext) => Outcome): ApiResult {
  const w = writeContext(ctx);
  const mark = ctx.tx.mark();
  const outcomes: Outcome[] = [];
  for (let i = 0; i < count; i++) {
    try {
      outcomes.push(write(i, w));
    } catch (err) {
      if (!(err instanceof SfRecordError)) throw err;
      if (err.error.errorCode === 'JSON_PARSER_ERROR') {
        ctx.tx.rollbackTo(mark);
        throw apiError(400, 'JSON_PARSER_ERROR', err.error.message);
      }
      outcomes.push({ error: err.error });
    }
  }
  const failed = outcomes.some((o) => o.error);
  if (allOrNone && failed) ctx.tx.rollbackTo(mark);
  const body = outcomes.map((o) => {
    if (o.error) return { ...(o.id ? { id: o.id } : {}), success: false, errors: [saveResultError(o.error)] };
    if (allOrNone && failed) return { ...(o.id && !o.fresh ? { id: o.id } : {}), success: false, errors: [saveResultError(ROLLED_BACK)] };
    return { id: o.id, success: true, errors: [], ...(o.created !== undefined ? { created: o.created } : {}) };
  });
  return { status: 200, body };
}

function fail(error: SfError): never {
  throw new SfRecordError(error);
}

function tableOf(ctx: ApiContext, type: string | undefined) {
  if (!type) fail({ errorCode: 'INVALID_TYPE', message: 'Must specify a type in attributes of each record', fields: [] });
  const table = ctx.org.store.table(type);
  if (!table) fail({ errorCode: 'INVALID_TYPE', message: `sObject type '${type}' is not supported.`, fields: [] });
  return table;
}

/** Runs a write on a known record, so a failed SaveResult still names the record. */
function withId(id: string, write: () => void): Outcome {
  try {
    write();
    return { id };
  } catch (err) {
    if (err instanceof SfRecordError && err.error.errorCode !== 'JSON_PARSER_ERROR') return { id, error: err.error };
    throw err;
  }
}

function idOf(rec: Record<string, unknown>): string | undefined {
  const raw = rec.id ?? rec.Id;
  return typeof raw === 'string' ? raw : undefined;
}

function withoutId(rec: Record<string, unknown>): Record<string, unknown> {
  const { id: _id, Id: _Id, ...rest } = rec;
  return rest;
}

function readMany(req: ApiRequest, ctx: ApiContext, sobject: string, ids: unknown, fieldsRaw: string | undefined): ApiResult {
  const table = requireTable(ctx.org, sobject);
  if (!Array.isArray(ids) || ids.length === 0 || !fieldsRaw) {
    throw apiError(400, 'MISSING_ARGUMENT', 'ids and fields are required');
  }
  // UNCONFIRMED: the 2,000-id maximum for collection reads.
  if (ids.length > 2000) tooMany(ids.length);
  const fields = fieldList(table.def, fieldsRaw) as FieldDef[];
  const body = ids.map((raw) => {
    const id = typeof raw === 'string' ? canonicalId(raw) : undefined;
    const rec = id ? table.live.get(id) : undefined;
    return rec ? renderRecord(req.version, table.def, rec, fields) : null;
  });
  return { status: 200, body };
}

export function registerCollectionRoutes(router: ApiRouter): void {
  router.add(
    'POST',
    'composite/sobjects',
    (req, _p, ctx) => {
      const { allOrNone, records } = collectionBody(req);
      return runAll(ctx, allOrNone, records.length, (i, w) => {
        const rec = records[i] as Record<string, unknown>;
        const table = tableOf(ctx, recordType(rec));
        if (idOf(rec)) fail({ errorCode: 'INVALID_FIELD', message: 'cannot specify Id in an insert call', fields: ['Id'] });
        return { id: createRecord(w, table, rec), fresh: true };
      });
    },
    'collection',
  );

  router.add(
    'PATCH',
    'composite/sobjects',
    (req, _p, ctx) => {
      const { allOrNone, records } = collectionBody(req);
      return runAll(ctx, allOrNone, records.length, (i, w) => {
        const rec = records[i] as Record<string, unknown>;
        const raw = idOf(rec);
        if (!raw) fail({ errorCode: 'MISSING_ARGUMENT', message: 'Id not specified in an update call', fields: [] });
        const id = canonicalId(raw);
        if (!id) fail({ errorCode: 'MALFORMED_ID', message: `malformed id ${raw}`, fields: [] });
        const type = recordType(rec);
        const table = type ? tableOf(ctx, type) : ctx.org.store.tableForId(id);
        if (!table || !id.startsWith(table.def.keyPrefix)) fail({ errorCode: 'MALFORMED_ID', message: `malformed id ${raw}`, fields: [] });
        return withId(id, () => updateRecord(w, table, id, withoutId(rec)));
      });
    },
    'collection',
  );

  router.add(
    'DELETE',
    'composite/sobjects',
    (req, _p, ctx) => {
      const ids = (req.query.ids ?? '').split(',').filter((s) => s !== '');
      if (ids.length === 0) throw apiError(400, 'MISSING_ARGUMENT', 'ids is required');
      if (ids.length > MAX_RECORDS) tooMany(ids.length);
      return runAll(ctx, req.query.allOrNone === 'true', ids.length, (i, w) => {
        const raw = ids[i] as string;
        const id = canonicalId(raw);
        const table = id ? ctx.org.store.tableForId(id) : undefined;
        if (!id || !table) fail({ errorCode: 'MALFORMED_ID', message: `malformed id ${raw}`, fields: [] });
        return withId(id, () => {
          requireLive(table, id);
          deleteRecord(w, table, id);
        });
      });
    },
    'collection',
  );

  router.add('GET', 'composite/sobjects/:sobject', (req, p, ctx) => readMany(req, ctx, p.sobject as string, (req.query.ids ?? '').split(',').filter((s) => s !== ''), req.query.fields), 'collection');

  router.add(
    'POST',
    'composite/sobjects/:sobject',
    (req, p, ctx) => {
      const body = requireObjectBody(req);
      const fields = Array.isArray(body.fields) ? body.fields.join(',') : undefined;
      return readMany(req, ctx, p.sobject as string, body.ids, fields);
    },
    'collection',
  );

  router.add(
    'PATCH',
    'composite/sobjects/:sobject/:field',
    (req, p, ctx) => {
      const table = requireTable(ctx.org, p.sobject as string);
      const field = externalIdField(table.def, p.field as string);
      if (!field) throw apiError(404, 'NOT_FOUND', 'The requested resource does not exist');
      const { allOrNone, records } = collectionBody(req);
      const valueOf = (rec: Record<string, unknown>): unknown => rec[Object.keys(rec).find((k) => k.toLowerCase() === field.name.toLowerCase()) ?? ''];
      const seen = new Map<string, number>();
      for (const rec of records) {
        const v = valueOf(rec);
        if (v !== undefined && v !== null) seen.set(indexKey(field, v), (seen.get(indexKey(field, v)) ?? 0) + 1);
      }
      return runAll(ctx, allOrNone, records.length, (i, w) => {
        const rec = records[i] as Record<string, unknown>;
        const v = valueOf(rec);
        // UNCONFIRMED: wording; Salesforce refuses one request that names an external id twice.
        if (v !== undefined && v !== null && (seen.get(indexKey(field, v)) ?? 0) > 1) {
          fail({ errorCode: 'DUPLICATE_EXTERNAL_ID', message: `Duplicate external id specified: ${String(v)}`, fields: [field.name] });
        }
        const type = recordType(rec);
        if (type && type.toLowerCase() !== table.def.name.toLowerCase()) fail({ errorCode: 'INVALID_TYPE', message: `sObject type '${type}' does not match ${table.def.name}`, fields: [] });
        const key = Object.keys(rec).find((k) => k.toLowerCase() === field.name.toLowerCase());
        const value = key ? rec[key] : undefined;
        // UNCONFIRMED: the code for a record that lacks the external id value.
        if (value === undefined || value === null || value === '') fail({ errorCode: 'MISSING_ARGUMENT', message: `${field.name} not specified`, fields: [field.name] });
        const { [key as string]: _ext, ...rest } = rec;
        const outcome = upsertRecord(w, table, field, value, rest);
        return outcome ? { id: outcome.id, created: outcome.created, fresh: outcome.created } : {};
      });
    },
    'collection',
  );
}
