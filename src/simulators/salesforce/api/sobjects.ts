/**
 * sObject resources: describe, single-record CRUD by id, and get/upsert/delete by external id.
 */
import { apiError, notFound } from '../errors.js';
import { MultipleMatchError, createRecord, deleteRecord, externalIdField, matchExternalId, updateRecord, upsertRecord } from '../dml.js';
import type { ObjectTable } from '../store.js';
import { formatDateTime, parseDateTime } from '../values.js';
import { describeGlobal, describeSObject, objectInfo } from './describe.js';
import {
  fieldList,
  renderRecord,
  requireIdShape,
  requireLiveRecord,
  requireObjectBody,
  requireTable,
  writeContext,
} from './records.js';
import type { ApiRouter } from './router.js';
import { sobjectUrl, type ApiRequest, type ApiResult } from './types.js';

function created(req: ApiRequest, table: ObjectTable, id: string, extra: Record<string, unknown> = {}): ApiResult {
  return {
    status: 201,
    body: { id, success: true, errors: [], ...extra },
    headers: { Location: sobjectUrl(req.version, table.def.name, id) },
  };
}

/** 300 Multiple Choices: the URLs of every record the external id matched. */
function multipleChoices(req: ApiRequest, table: ObjectTable, ids: string[]): ApiResult {
  return { status: 300, body: ids.map((id) => sobjectUrl(req.version, table.def.name, id)) };
}

function replicationWindow(req: ApiRequest): { start: string; end: string } {
  const start = parseDateTime(req.query.start ?? '');
  const end = parseDateTime(req.query.end ?? '');
  // UNCONFIRMED: the code and wording for a missing or inverted replication window.
  if (Number.isNaN(start) || Number.isNaN(end) || start > end) {
    throw apiError(400, 'INVALID_REPLICATION_DATE', 'start and end must be ISO-8601 datetimes with start before end');
  }
  return { start: formatDateTime(start), end: formatDateTime(end) };
}

export function registerSObjectRoutes(router: ApiRouter): void {
  router.add('GET', 'sobjects', (req, _p, ctx) => ({ status: 200, body: describeGlobal(req.version, ctx.org.defs) }));

  router.add('GET', 'sobjects/:sobject', (req, p, ctx) => ({ status: 200, body: objectInfo(req.version, requireTable(ctx.org, p.sobject as string).def) }));

  router.add('POST', 'sobjects/:sobject', (req, p, ctx) => {
    const table = requireTable(ctx.org, p.sobject as string);
    const id = createRecord(writeContext(ctx), table, requireObjectBody(req));
    return created(req, table, id);
  });

  router.add('GET', 'sobjects/:sobject/describe', (req, p, ctx) => ({
    status: 200,
    body: describeSObject(req.version, requireTable(ctx.org, p.sobject as string).def),
  }));

  router.add('GET', 'sobjects/:sobject/updated', (req, p, ctx) => {
    const table = requireTable(ctx.org, p.sobject as string);
    const { start, end } = replicationWindow(req);
    const ids: string[] = [];
    for (const r of table.live.values()) {
      const stamp = r.SystemModstamp as string;
      if (stamp >= start && stamp <= end) ids.push(r.Id as string);
    }
    return { status: 200, body: { ids, latestDateCovered: end } };
  });

  router.add('GET', 'sobjects/:sobject/deleted', (req, p, ctx) => {
    const table = requireTable(ctx.org, p.sobject as string);
    const { start, end } = replicationWindow(req);
    const deletedRecords: Array<{ id: string; deletedDate: string }> = [];
    for (const r of table.deleted.values()) {
      const stamp = r.SystemModstamp as string;
      if (stamp >= start && stamp <= end) deletedRecords.push({ id: r.Id as string, deletedDate: stamp });
    }
    return { status: 200, body: { deletedRecords, earliestDateAvailable: formatDateTime(Date.parse('2025-01-01T00:00:00Z')), latestDateCovered: end } };
  });

  // `POST /sobjects/{SObject}/Id` inserts, treating Id as an external id whose value is null.
  router.add('POST', 'sobjects/:sobject/:field', (req, p, ctx) => {
    const table = requireTable(ctx.org, p.sobject as string);
    if ((p.field as string).toLowerCase() !== 'id') throw notFound();
    const id = createRecord(writeContext(ctx), table, requireObjectBody(req));
    return created(req, table, id, { created: true });
  });

  router.add('GET', 'sobjects/:sobject/:id', (req, p, ctx) => {
    const table = requireTable(ctx.org, p.sobject as string);
    const rec = requireLiveRecord(table, requireIdShape(table, p.id as string));
    return { status: 200, body: renderRecord(req.version, table.def, rec, fieldList(table.def, req.query.fields)) };
  });

  router.add('PATCH', 'sobjects/:sobject/:id', (req, p, ctx) => {
    const table = requireTable(ctx.org, p.sobject as string);
    const id = requireIdShape(table, p.id as string);
    requireLiveRecord(table, id);
    updateRecord(writeContext(ctx), table, id, requireObjectBody(req));
    return { status: 204 };
  });

  router.add('DELETE', 'sobjects/:sobject/:id', (_req, p, ctx) => {
    const table = requireTable(ctx.org, p.sobject as string);
    const id = requireIdShape(table, p.id as string);
    requireLiveRecord(table, id);
    deleteRecord(writeContext(ctx), table, id);
    return { status: 204 };
  });

  router.add('GET', 'sobjects/:sobject/:field/:value', (req, p, ctx) => {
    const table = requireTable(ctx.org, p.sobject as string);
    const field = externalIdField(table.def, p.field as string);
    if (!field) throw notFound();
    const ids = matchExternalId(table, field, p.value);
    if (ids.length > 1) return multipleChoices(req, table, ids);
    const rec = ids[0] ? table.live.get(ids[0]) : undefined;
    if (!rec) throw notFound();
    return { status: 200, body: renderRecord(req.version, table.def, rec, fieldList(table.def, req.query.fields)) };
  });

  router.add('PATCH', 'sobjects/:sobject/:field/:value', (req, p, ctx) => {
    const table = requireTable(ctx.org, p.sobject as string);
    const field = externalIdField(table.def, p.field as string);
    if (!field) throw notFound();
    const body = requireObjectBody(req);
    const clash = Object.keys(body).find((k) => k.toLowerCase() === field.name.toLowerCase() || k.toLowerCase() === 'id');
    // UNCONFIRMED: Salesforce documents that Id or the external-id field in the body is an error,
    // not the exact code and wording.
    if (clash) {
      throw apiError(400, 'INVALID_FIELD', `Field ${clash} must not be specified in the request body when upserting by external ID ${field.name}`, [clash]);
    }
    try {
      const outcome = upsertRecord(writeContext(ctx), table, field, p.value, body, req.query.updateOnly === 'true');
      if (!outcome) throw notFound();
      if (outcome.created) return created(req, table, outcome.id, { created: true });
      return { status: 200, body: { id: outcome.id, success: true, errors: [], created: false } };
    } catch (err) {
      if (err instanceof MultipleMatchError) return multipleChoices(req, table, err.ids);
      throw err;
    }
  });

  router.add('DELETE', 'sobjects/:sobject/:field/:value', (req, p, ctx) => {
    const table = requireTable(ctx.org, p.sobject as string);
    const field = externalIdField(table.def, p.field as string);
    if (!field) throw notFound();
    const ids = matchExternalId(table, field, p.value);
    if (ids.length > 1) return multipleChoices(req, table, ids);
    if (!ids[0]) throw notFound();
    deleteRecord(writeContext(ctx), table, ids[0]);
    return { status: 204 };
  });
}
