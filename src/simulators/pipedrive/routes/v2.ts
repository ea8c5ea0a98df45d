/**
 * API v2 under `/api/v2`: organizations, persons and deals (list, get, add, update, delete,
 * search) and their field definitions, in the `{success, data, additional_data}` envelope.
 */
import type { FastifyInstance } from 'fastify';
import { ENTITIES } from '../entities.js';
import { sendError } from '../errors.js';
import { v2Field } from '../fields.js';
import { pathId, queryOf, registerOperation, type PipedriveContext, type Query } from '../gate.js';
import { decodeOffset, encodeOffset, pageOf, parseLimit, parseTime } from '../listing.js';
import { OPERATIONS, type Operation } from '../operations.js';
import { ValidationError, type EntityName, type Row } from '../records.js';
import { search } from '../search.js';
import type { SortField } from '../store.js';

interface EntityOps {
  list: Operation;
  get: Operation;
  add: Operation;
  update: Operation;
  remove: Operation;
  search: Operation;
  fields: Operation;
}

const OPS: Record<EntityName, EntityOps> = {
  organizations: {
    list: OPERATIONS.getOrganizations,
    get: OPERATIONS.getOrganization,
    add: OPERATIONS.addOrganization,
    update: OPERATIONS.updateOrganization,
    remove: OPERATIONS.deleteOrganization,
    search: OPERATIONS.searchOrganization,
    fields: OPERATIONS.getOrganizationFields,
  },
  persons: {
    list: OPERATIONS.getPersons,
    get: OPERATIONS.getPerson,
    add: OPERATIONS.addPerson,
    update: OPERATIONS.updatePerson,
    remove: OPERATIONS.deletePerson,
    search: OPERATIONS.searchPersons,
    fields: OPERATIONS.getPersonFields,
  },
  deals: {
    list: OPERATIONS.getDeals,
    get: OPERATIONS.getDeal,
    add: OPERATIONS.addDeal,
    update: OPERATIONS.updateDeal,
    remove: OPERATIONS.deleteDeal,
    search: OPERATIONS.searchDeals,
    fields: OPERATIONS.getDealFields,
  },
};

const SORT_FIELDS: readonly SortField[] = ['id', 'update_time', 'add_time'];

export function registerV2(app: FastifyInstance, ctx: PipedriveContext): void {
  for (const entity of ['organizations', 'persons', 'deals'] as const) {
    const ops = OPS[entity];
    const notFound = `${ENTITIES[entity].label} not found`;

    // Registered before `/{id}` so "search" is never taken for an id.
    registerOperation(app, ctx, ops.search, (request) => {
      const { items, nextCursor } = search(ctx.store, entity, queryOf(request));
      return { success: true, data: { items }, additional_data: { next_cursor: nextCursor } };
    });

    registerOperation(app, ctx, ops.list, (request) => {
      const q = queryOf(request);
      const page = listPage(ctx, entity, q);
      const keys = customFieldKeys(q);
      return { success: true, data: keys ? page.rows.map((r) => withCustomFields(r, keys)) : page.rows, additional_data: { next_cursor: page.nextCursor } };
    });

    registerOperation(app, ctx, ops.get, (request, reply) => {
      const row = ctx.store.get(entity, pathId(request));
      if (!row) return sendError(reply, 404, notFound, { errorCode: 404 });
      const keys = customFieldKeys(queryOf(request));
      return { success: true, data: keys ? withCustomFields(row, keys) : row };
    });

    // v2 answers a create with 200, not 201 (the spec lists only 200).
    registerOperation(app, ctx, ops.add, (request) => ({ success: true, data: ctx.store.create(entity, request.body, 'api') }));

    registerOperation(app, ctx, ops.update, (request, reply) => {
      const row = ctx.store.update(entity, pathId(request), request.body, 'api');
      if (!row) return sendError(reply, 404, notFound, { errorCode: 404 });
      return { success: true, data: row };
    });

    registerOperation(app, ctx, ops.remove, (request, reply) => {
      const row = ctx.store.remove(entity, pathId(request), 'api');
      if (!row) return sendError(reply, 404, notFound, { errorCode: 404 });
      return { success: true, data: { id: row.id } };
    });

    registerOperation(app, ctx, ops.fields, (request) => {
      const q = queryOf(request);
      const limit = parseLimit(q.limit);
      const all = ctx.store.fields[entity];
      const start = q.cursor ? decodeOffset(q.cursor) : 0;
      return {
        success: true,
        data: all.slice(start, start + limit).map(v2Field),
        additional_data: { next_cursor: start + limit < all.length ? encodeOffset(start + limit) : null },
      };
    });
  }
}

function listPage(ctx: PipedriveContext, entity: EntityName, q: Query): { rows: Row[]; nextCursor: string | null } {
  if (q.filter_id) throw new ValidationError('Validation failed: filter_id: saved filters are not available in this account');
  const sortBy = (q.sort_by ?? 'id') as SortField;
  if (!SORT_FIELDS.includes(sortBy)) throw new ValidationError('Validation failed: sort_by: must be one of id, update_time, add_time');
  const direction = q.sort_direction ?? 'asc';
  if (direction !== 'asc' && direction !== 'desc') throw new ValidationError('Validation failed: sort_direction: must be one of asc, desc');
  const limit = parseLimit(q.limit);
  const since = parseTime(q.updated_since, 'updated_since');
  const until = parseTime(q.updated_until, 'updated_until');
  const ids = q.ids ? parseIds(q.ids) : undefined;
  const ownerId = intParam(q.owner_id, 'owner_id');
  const orgId = intParam(q.org_id, 'org_id');
  const personId = entity === 'deals' ? intParam(q.person_id, 'person_id') : undefined;
  const pipelineId = entity === 'deals' ? intParam(q.pipeline_id, 'pipeline_id') : undefined;
  const stageId = entity === 'deals' ? intParam(q.stage_id, 'stage_id') : undefined;
  const status = entity === 'deals' ? q.status : undefined;
  if (status !== undefined && !['open', 'won', 'lost', 'deleted'].includes(status)) {
    throw new ValidationError('Validation failed: status: must be one of open, won, lost, deleted');
  }
  const dealPersons = entity === 'persons' && q.deal_id ? personsOfDeal(ctx, intParam(q.deal_id, 'deal_id') as number) : undefined;

  const keep = (row: Row): boolean => {
    if (status === 'deleted' ? !row.is_deleted : row.is_deleted) return false;
    if (status !== undefined && status !== 'deleted' && row.status !== status) return false;
    if (since !== undefined && row.update_time < since) return false;
    if (until !== undefined && row.update_time >= until) return false;
    if (ids && !ids.has(row.id)) return false;
    if (ownerId !== undefined && row.owner_id !== ownerId) return false;
    if (orgId !== undefined && row.org_id !== orgId) return false;
    if (personId !== undefined && row.person_id !== personId) return false;
    if (pipelineId !== undefined && row.pipeline_id !== pipelineId) return false;
    if (stageId !== undefined && row.stage_id !== stageId) return false;
    if (dealPersons && !dealPersons.has(row.id)) return false;
    return true;
  };
  return pageOf(ctx.store.sorted(entity, sortBy), sortBy, direction, limit, q.cursor, keep);
}

function parseIds(raw: string): Set<number> {
  const ids = raw.split(',').map((s) => Number(s.trim()));
  if (ids.length > 100) throw new ValidationError('Validation failed: ids: at most 100 ids are allowed');
  if (ids.some((n) => !Number.isInteger(n))) throw new ValidationError('Validation failed: ids: must be a comma separated list of integers');
  return new Set(ids);
}

function intParam(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new ValidationError(`Validation failed: ${name}: must be an integer`);
  return n;
}

function personsOfDeal(ctx: PipedriveContext, dealId: number): Set<number> {
  const deal = ctx.store.get('deals', dealId);
  return new Set(deal && deal.person_id != null ? [deal.person_id as number] : []);
}

function customFieldKeys(q: Query): string[] | undefined {
  if (!q.custom_fields) return undefined;
  const keys = q.custom_fields.split(',').map((k) => k.trim());
  if (keys.length > 15) throw new ValidationError('Validation failed: custom_fields: a maximum of 15 keys is allowed');
  return keys;
}

function withCustomFields(row: Row, keys: readonly string[]): Row {
  const custom: Record<string, unknown> = {};
  for (const k of keys) if (k in row.custom_fields) custom[k] = row.custom_fields[k];
  return { ...row, custom_fields: custom };
}
