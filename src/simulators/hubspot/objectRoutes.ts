/** CRM objects v3: basic CRUD, list paging, merge and the batch endpoints (FACTS §1.3, §1.4). */
import type { FastifyInstance } from 'fastify';
import type { HubspotContext } from './context.js';
import { HubspotHttpError, notFound, validationError, type ErrorDetail } from './errors.js';
import { OBJECT_TYPES, objectType, type ObjectType } from './objectTypes.js';
import { boolParam, intParam, listParam, pathType, stringParam, type Query } from './params.js';
import { decodeListCursor, encodeListCursor, type CrmRecord, type SimplePublicObject } from './records.js';
import { v3TypeName } from './associationStore.js';
import { apiSource, applyUpdate, archiveRecord, commitCreate, createRecord, prepareCreate, prepareUpdate } from './writes.js';

/** Largest batch HubSpot accepts [2nd]. */
export const MAX_BATCH_INPUTS = 100;
// UNCONFIRMED: the spec states no maximum page size for list; 100 is the commonly cited one.
const MAX_LIST_LIMIT = 100;

type Params = { objectType: string; objectId: string };

/** A record in the read shape, with `?associations=` types added when asked for. */
export function readShape(ctx: HubspotContext, rec: CrmRecord, properties: string[] | undefined, associations?: string[]): SimplePublicObject {
  const out = ctx.records.toPublic(rec, properties);
  if (associations && associations.length > 0) {
    const assoc: NonNullable<SimplePublicObject['associations']> = {};
    for (const name of associations) {
      const to = objectType(name);
      if (!to) continue;
      const results = ctx.associations.list(rec.type, rec.id, to).flatMap((a) => a.typeIds.map((t) => ({ id: a.toId, type: v3TypeName(rec.type, to, t) })));
      if (results.length > 0) assoc[to.name] = { results };
    }
    if (Object.keys(assoc).length > 0) out.associations = assoc;
  }
  return out;
}

function batchInputs(body: unknown): unknown[] {
  const inputs = (body as { inputs?: unknown } | undefined)?.inputs;
  if (!Array.isArray(inputs)) throw validationError('Invalid input JSON: inputs must be an array', { errors: [{ message: 'required', in: 'inputs' }] });
  if (inputs.length > MAX_BATCH_INPUTS) {
    // UNCONFIRMED: wording of the batch-size error; the 100 cap is documented [2nd].
    throw validationError(`Batch input size ${inputs.length} exceeds the limit of ${MAX_BATCH_INPUTS} inputs`, {
      errors: [{ message: `at most ${MAX_BATCH_INPUTS} inputs`, in: 'inputs' }],
    });
  }
  return inputs;
}

function batchEnvelope<T>(results: T[], errors: object[], startedAt: string): Record<string, unknown> {
  const out: Record<string, unknown> = { status: 'COMPLETE', results, startedAt, completedAt: new Date().toISOString() };
  if (errors.length > 0) {
    out.numErrors = errors.length;
    out.errors = errors;
  }
  return out;
}

/** A StandardError entry of a 207 response. */
function standardError(category: string, message: string, context: Record<string, string[]>): object {
  return { status: 'error', category, message, context, errors: [] as ErrorDetail[], links: {} };
}

function missingIdsError(type: ObjectType, verb: string, ids: string[]): object {
  // UNCONFIRMED: wording as commonly reported for batch reads of missing ids.
  return standardError('OBJECT_NOT_FOUND', `Could not ${verb} some ${type.singular.toUpperCase()} objects, they may be deleted or not exist. Check that ids are valid.`, { ids });
}

function assertNoDuplicates(ids: string[]): void {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const id of ids) (seen.has(id) ? dup : seen).add(id);
  if (dup.size > 0) throw validationError(`Duplicate IDs found in batch input: [${[...dup].join(', ')}]. IDs must be unique`);
}

export function registerObjectRoutes(api: FastifyInstance, ctx: HubspotContext): void {
  const base = '/crm/v3/objects/:objectType';

  api.get<{ Params: Pick<Params, 'objectType'>; Querystring: Query }>(base, async (req) => {
    const type = pathType(req.params.objectType);
    const q = req.query;
    const limit = Math.min(Math.max(intParam(q, 'limit', 10), 1), MAX_LIST_LIMIT);
    const after = stringParam(q, 'after');
    let fromId: string | undefined;
    if (after !== undefined && after !== '') {
      fromId = decodeListCursor(after);
      // UNCONFIRMED: HubSpot's answer to a malformed cursor.
      if (fromId === undefined) throw validationError(`Invalid after cursor: ${after}`, { errors: [{ message: 'invalid cursor', in: 'after' }] });
    }
    const properties = listParam(q, 'properties');
    const associations = listParam(q, 'associations');
    const results: SimplePublicObject[] = [];
    let next: string | undefined;
    for (const rec of ctx.records.scan(type, boolParam(q, 'archived'), fromId)) {
      if (results.length === limit) {
        next = rec.id;
        break;
      }
      results.push(readShape(ctx, rec, properties, associations));
    }
    if (next === undefined) return { results };
    const cursor = encodeListCursor(next);
    return { results, paging: { next: { after: cursor, link: `${ctx.kit.baseUrl()}/crm/v3/objects/${type.name}?after=${cursor}` } } };
  });

  api.post<{ Params: Pick<Params, 'objectType'> }>(base, async (req, reply) => {
    const type = pathType(req.params.objectType);
    const rec = createRecord(ctx, type, req.body, apiSource(ctx));
    return reply.code(201).send(readShape(ctx, rec, Object.keys((req.body as { properties?: object }).properties ?? {})));
  });

  api.get<{ Params: Params; Querystring: Query }>(`${base}/:objectId`, async (req) => {
    const type = pathType(req.params.objectType);
    const q = req.query;
    const idProperty = stringParam(q, 'idProperty');
    ctx.records.assertIdProperty(type, idProperty);
    const archived = boolParam(q, 'archived');
    const rec = archived && !idProperty ? ctx.records.get(type, req.params.objectId) : ctx.records.find(type, req.params.objectId, idProperty);
    if (!rec || rec.archived !== archived) throw objectNotFound(type, req.params.objectId);
    return readShape(ctx, rec, listParam(q, 'properties'), listParam(q, 'associations'));
  });

  api.patch<{ Params: Params; Querystring: Query }>(`${base}/:objectId`, async (req) => {
    const type = pathType(req.params.objectType);
    const idProperty = stringParam(req.query, 'idProperty');
    ctx.records.assertIdProperty(type, idProperty);
    const rec = ctx.records.find(type, req.params.objectId, idProperty);
    if (!rec) throw objectNotFound(type, req.params.objectId);
    const props = (req.body as { properties?: unknown } | undefined)?.properties;
    const values = prepareUpdate(ctx, rec, props);
    applyUpdate(ctx, rec, values, apiSource(ctx));
    return readShape(ctx, rec, Object.keys(values));
  });

  api.delete<{ Params: Params }>(`${base}/:objectId`, async (req, reply) => {
    const type = pathType(req.params.objectType);
    const rec = ctx.records.find(type, req.params.objectId);
    // Archiving something already gone succeeds, as HubSpot's archive is idempotent.
    if (rec) archiveRecord(ctx, rec, apiSource(ctx));
    return reply.code(204).send();
  });

  api.post<{ Params: Pick<Params, 'objectType'> }>(`${base}/merge`, async (req) => {
    const type = pathType(req.params.objectType);
    const b = (req.body ?? {}) as { primaryObjectId?: unknown; objectIdToMerge?: unknown };
    const primary = ctx.records.find(type, String(b.primaryObjectId ?? ''));
    const merged = ctx.records.find(type, String(b.objectIdToMerge ?? ''));
    if (!primary) throw objectNotFound(type, String(b.primaryObjectId));
    if (!merged) throw objectNotFound(type, String(b.objectIdToMerge));
    if (primary === merged) throw validationError('Cannot merge an object with itself');
    // The primary's values win; the merged record fills the primary's blanks and its associations move over.
    const fill: Record<string, string> = {};
    for (const [k, v] of Object.entries(merged.properties)) {
      const def = ctx.registry.get(type, k);
      if (def && !def.modificationMetadata.readOnlyValue && k !== type.createdProperty && primary.properties[k] === undefined) fill[k] = v;
    }
    for (const to of OBJECT_TYPES) {
      for (const a of ctx.associations.list(type, merged.id, to)) {
        ctx.associations.add(type, primary.id, to, a.toId, a.typeIds);
        ctx.associations.remove(type, merged.id, to, a.toId);
      }
    }
    archiveRecord(ctx, merged, undefined);
    const source = apiSource(ctx);
    const values = Object.fromEntries(Object.entries(fill).filter(([k]) => !ctx.records.conflicts(type, { [k]: fill[k] as string }, primary.id)));
    applyUpdate(ctx, primary, values, source);
    return readShape(ctx, primary, undefined);
  });

  api.post<{ Params: Pick<Params, 'objectType'> }>(`${base}/batch/create`, async (req, reply) => {
    const type = pathType(req.params.objectType);
    const startedAt = new Date().toISOString();
    const inputs = batchInputs(req.body);
    const source = apiSource(ctx);
    // Partial success only when every input carries an objectWriteTraceId (DOC error-handling);
    // otherwise one bad input fails the whole batch and nothing is written.
    const traced = inputs.length > 0 && inputs.every((i) => typeof (i as { objectWriteTraceId?: unknown })?.objectWriteTraceId === 'string');
    if (!traced) {
      const prepared = inputs.map((i) => prepareCreate(ctx, type, i));
      const created = prepared.map((p, n) => readShape(ctx, commitCreate(ctx, type, p, source), propertyNames(inputs[n])));
      return reply.code(201).send(batchEnvelope(created, [], startedAt));
    }
    const results: SimplePublicObject[] = [];
    const errors: object[] = [];
    for (const input of inputs) {
      const traceId = (input as { objectWriteTraceId: string }).objectWriteTraceId;
      try {
        const rec = commitCreate(ctx, type, prepareCreate(ctx, type, input), source);
        results.push({ ...readShape(ctx, rec, propertyNames(input)), objectWriteTraceId: traceId } as SimplePublicObject);
      } catch (e) {
        if (!(e instanceof HubspotHttpError)) throw e;
        errors.push({ ...standardError(e.body.category, e.body.message, { objectWriteTraceId: [traceId] }), errors: e.body.errors ?? [] });
      }
    }
    return reply.code(errors.length > 0 ? 207 : 201).send(batchEnvelope(results, errors, startedAt));
  });

  api.post<{ Params: Pick<Params, 'objectType'>; Querystring: Query }>(`${base}/batch/read`, async (req, reply) => {
    const type = pathType(req.params.objectType);
    const startedAt = new Date().toISOString();
    const inputs = batchInputs(req.body);
    const b = req.body as { properties?: unknown; idProperty?: unknown };
    const properties = Array.isArray(b.properties) ? (b.properties as unknown[]).map(String) : undefined;
    const idProperty = typeof b.idProperty === 'string' ? b.idProperty : undefined;
    ctx.records.assertIdProperty(type, idProperty);
    const archived = boolParam(req.query, 'archived');
    const results: SimplePublicObject[] = [];
    const missing: string[] = [];
    for (const input of inputs) {
      const id = String((input as { id?: unknown })?.id ?? '');
      const rec = archived && !idProperty ? ctx.records.get(type, id) : ctx.records.find(type, id, idProperty);
      if (rec && rec.archived === archived) results.push(readShape(ctx, rec, properties));
      else missing.push(id);
    }
    const errors = missing.length > 0 ? [missingIdsError(type, 'get', missing)] : [];
    return reply.code(errors.length > 0 ? 207 : 200).send(batchEnvelope(results, errors, startedAt));
  });

  api.post<{ Params: Pick<Params, 'objectType'> }>(`${base}/batch/update`, async (req, reply) => {
    const type = pathType(req.params.objectType);
    const startedAt = new Date().toISOString();
    const inputs = batchInputs(req.body) as Array<{ id?: unknown; idProperty?: unknown; properties?: unknown }>;
    assertNoDuplicates(inputs.map((i) => String(i?.id ?? '')));
    const found: Array<{ rec: CrmRecord; values: Record<string, string> }> = [];
    const missing: string[] = [];
    for (const input of inputs) {
      const idProperty = typeof input?.idProperty === 'string' ? input.idProperty : undefined;
      ctx.records.assertIdProperty(type, idProperty);
      const rec = ctx.records.find(type, String(input?.id ?? ''), idProperty);
      if (!rec) missing.push(String(input?.id ?? ''));
      else found.push({ rec, values: prepareUpdate(ctx, rec, input.properties) });
    }
    const source = apiSource(ctx);
    const results = found.map(({ rec, values }) => {
      applyUpdate(ctx, rec, values, source);
      return readShape(ctx, rec, Object.keys(values));
    });
    // UNCONFIRMED: missing ids in a batch update reported as a 207 rather than failing the batch.
    const errors = missing.length > 0 ? [missingIdsError(type, 'update', missing)] : [];
    return reply.code(errors.length > 0 ? 207 : 200).send(batchEnvelope(results, errors, startedAt));
  });

  api.post<{ Params: Pick<Params, 'objectType'> }>(`${base}/batch/upsert`, async (req) => {
    const type = pathType(req.params.objectType);
    const startedAt = new Date().toISOString();
    const inputs = batchInputs(req.body) as Array<{ id?: unknown; idProperty?: unknown; properties?: unknown }>;
    assertNoDuplicates(inputs.map((i) => `${String(i?.idProperty ?? '')}:${String(i?.id ?? '').toLowerCase()}`));
    const source = apiSource(ctx);
    // Validate everything first so a bad input writes nothing.
    const plans = inputs.map((input) => {
      const idProperty = typeof input?.idProperty === 'string' ? input.idProperty : undefined;
      if (!idProperty) throw validationError('idProperty is required for upsert', { errors: [{ message: 'required', in: 'idProperty' }] });
      ctx.records.assertIdProperty(type, idProperty);
      const id = String(input.id ?? '');
      const rec = ctx.records.find(type, id, idProperty);
      if (rec) return { rec, values: prepareUpdate(ctx, rec, input.properties), input };
      const props = { ...((input.properties as Record<string, unknown> | undefined) ?? {}) };
      if (idProperty !== 'hs_object_id') props[idProperty] = id;
      return { rec: undefined, prepared: prepareCreate(ctx, type, { properties: props }), input };
    });
    const results = plans.map((p) => {
      const names = propertyNames(p.input);
      if (p.rec) {
        applyUpdate(ctx, p.rec, p.values as Record<string, string>, source);
        return { ...readShape(ctx, p.rec, names), new: false };
      }
      const rec = commitCreate(ctx, type, p.prepared as NonNullable<typeof p.prepared>, source);
      return { ...readShape(ctx, rec, names), new: true };
    });
    return batchEnvelope(results, [], startedAt);
  });

  api.post<{ Params: Pick<Params, 'objectType'> }>(`${base}/batch/archive`, async (req, reply) => {
    const type = pathType(req.params.objectType);
    const inputs = batchInputs(req.body);
    const source = apiSource(ctx);
    for (const input of inputs) {
      const rec = ctx.records.find(type, String((input as { id?: unknown })?.id ?? ''));
      if (rec) archiveRecord(ctx, rec, source);
    }
    return reply.code(204).send();
  });
}

function propertyNames(input: unknown): string[] {
  return Object.keys(((input as { properties?: object } | undefined)?.properties ?? {}) as object);
}

export function objectNotFound(type: ObjectType, id: string): HubspotHttpError {
  // UNCONFIRMED: wording of the single-object 404.
  return notFound(`resource not found: no ${type.singular} with id ${id}`, { id: [id] });
}

