/** Associations v4 (FACTS §1.6): default and labelled PUT, GET, DELETE and the batch endpoints. */
import type { FastifyInstance } from 'fastify';
import { isValidKind, labelOf, pairTypes, type AssociationKind } from './associationStore.js';
import type { HubspotContext } from './context.js';
import { errorBody, HubspotHttpError, validationError } from './errors.js';
import { objectNotFound, MAX_BATCH_INPUTS } from './objectRoutes.js';
import type { ObjectType } from './objectTypes.js';
import { intParam, pathType, stringParam, type Query } from './params.js';

type PairParams = { objectType: string; objectId: string; toObjectType: string; toObjectId: string };

// The v4 spec types object ids as int64; the SDK maps them to strings, the wire carries numbers.
// UNCONFIRMED: numbers rather than digit strings in v4 bodies.
const wireId = (id: string): number => Number(id);

function assertPair(from: ObjectType, to: ObjectType): void {
  if (!pairTypes(from, to)) throw validationError(`Associations from ${from.name} to ${to.name} are not supported`);
}

function parseKinds(from: ObjectType, to: ObjectType, body: unknown): AssociationKind[] {
  if (!Array.isArray(body) || body.length === 0) throw validationError('Body must be a non-empty array of {associationCategory, associationTypeId}');
  return body.map((k: { associationCategory?: unknown; associationTypeId?: unknown }) => {
    const kind = { category: k?.associationCategory, typeId: Number(k?.associationTypeId) } as AssociationKind;
    if (!isValidKind(from, to, kind)) {
      // UNCONFIRMED: wording of an invalid association type.
      throw validationError(`${String(kind.category)} ${String(k?.associationTypeId)} is not a valid association type between ${from.name} and ${to.name}`);
    }
    return kind;
  });
}

function mustExist(ctx: HubspotContext, type: ObjectType, id: string): void {
  if (!ctx.records.find(type, id)) throw objectNotFound(type, id);
}

function associatedObjects(ctx: HubspotContext, from: ObjectType, fromId: string, to: ObjectType) {
  return ctx.associations.list(from, fromId, to).map((a) => ({
    toObjectId: wireId(a.toId),
    associationTypes: a.typeIds.map((t) => ({ category: 'HUBSPOT_DEFINED', typeId: t, label: labelOf(from, to, t) })),
  }));
}

function batchInputs(body: unknown): Array<Record<string, unknown>> {
  const inputs = (body as { inputs?: unknown } | undefined)?.inputs;
  if (!Array.isArray(inputs)) throw validationError('inputs must be an array', { errors: [{ message: 'required', in: 'inputs' }] });
  // UNCONFIRMED: the v4 batch cap; the CRM-wide 100-input cap is applied.
  if (inputs.length > MAX_BATCH_INPUTS) throw validationError(`Batch input size ${inputs.length} exceeds the limit of ${MAX_BATCH_INPUTS} inputs`);
  return inputs as Array<Record<string, unknown>>;
}

const idOf = (v: unknown): string => String((v as { id?: unknown } | undefined)?.id ?? '');

export function registerAssociationRoutes(api: FastifyInstance, ctx: HubspotContext): void {
  api.put<{ Params: PairParams }>('/crm/v4/objects/:objectType/:objectId/associations/default/:toObjectType/:toObjectId', async (req) => {
    const from = pathType(req.params.objectType);
    const to = pathType(req.params.toObjectType);
    assertPair(from, to);
    const { objectId, toObjectId } = req.params;
    mustExist(ctx, from, objectId);
    mustExist(ctx, to, toObjectId);
    const pair = pairTypes(from, to) as { unlabeled: number };
    const back = pairTypes(to, from) as { unlabeled: number };
    const startedAt = new Date().toISOString();
    ctx.associations.add(from, objectId, to, toObjectId, [pair.unlabeled]);
    return {
      status: 'COMPLETE',
      results: [
        { from: { id: objectId }, to: { id: toObjectId }, associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: pair.unlabeled } },
        { from: { id: toObjectId }, to: { id: objectId }, associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: back.unlabeled } },
      ],
      startedAt,
      completedAt: new Date().toISOString(),
    };
  });

  api.put<{ Params: PairParams }>('/crm/v4/objects/:objectType/:objectId/associations/:toObjectType/:toObjectId', async (req) => {
    const from = pathType(req.params.objectType);
    const to = pathType(req.params.toObjectType);
    assertPair(from, to);
    const { objectId, toObjectId } = req.params;
    const kinds = parseKinds(from, to, req.body);
    mustExist(ctx, from, objectId);
    mustExist(ctx, to, toObjectId);
    ctx.associations.add(
      from,
      objectId,
      to,
      toObjectId,
      kinds.map((k) => k.typeId),
    );
    const labels = ctx.associations
      .list(from, objectId, to)
      .find((a) => a.toId === toObjectId)
      ?.typeIds.map((t) => labelOf(from, to, t))
      .filter((l): l is string => l !== null);
    return { fromObjectTypeId: from.id, fromObjectId: wireId(objectId), toObjectTypeId: to.id, toObjectId: wireId(toObjectId), labels: labels ?? [] };
  });

  api.delete<{ Params: PairParams }>('/crm/v4/objects/:objectType/:objectId/associations/:toObjectType/:toObjectId', async (req, reply) => {
    const from = pathType(req.params.objectType);
    const to = pathType(req.params.toObjectType);
    ctx.associations.remove(from, req.params.objectId, to, req.params.toObjectId);
    return reply.code(204).send();
  });

  api.get<{ Params: Omit<PairParams, 'toObjectId'>; Querystring: Query }>('/crm/v4/objects/:objectType/:objectId/associations/:toObjectType', async (req) => {
    const from = pathType(req.params.objectType);
    const to = pathType(req.params.toObjectType);
    mustExist(ctx, from, req.params.objectId);
    const all = associatedObjects(ctx, from, req.params.objectId, to);
    const limit = Math.min(Math.max(intParam(req.query, 'limit', 500), 1), 500);
    const start = Number(stringParam(req.query, 'after') ?? 0) || 0;
    const results = all.slice(start, start + limit);
    return start + limit < all.length ? { results, paging: { next: { after: String(start + limit) } } } : { results };
  });

  api.post<{ Params: { fromObjectType: string; toObjectType: string } }>('/crm/v4/associations/:fromObjectType/:toObjectType/batch/create', async (req, reply) => {
    const from = pathType(req.params.fromObjectType);
    const to = pathType(req.params.toObjectType);
    assertPair(from, to);
    const startedAt = new Date().toISOString();
    const inputs = batchInputs(req.body);
    const planned = inputs.map((i) => ({ fromId: idOf(i.from), toId: idOf(i.to), kinds: parseKinds(from, to, i.types) }));
    const missing = planned.flatMap((p) => [...(ctx.records.find(from, p.fromId) ? [] : [p.fromId]), ...(ctx.records.find(to, p.toId) ? [] : [p.toId])]);
    if (missing.length > 0) {
      // UNCONFIRMED: a missing record fails the whole batch.
      throw new HubspotHttpError(400, errorBody('VALIDATION_ERROR', `No objects with ids ${missing.join(', ')} exist to associate`, { context: { ids: missing } }));
    }
    const results = planned.map((p) => {
      ctx.associations.add(
        from,
        p.fromId,
        to,
        p.toId,
        p.kinds.map((k) => k.typeId),
      );
      const labels = p.kinds.map((k) => labelOf(from, to, k.typeId)).filter((l): l is string => l !== null);
      return { fromObjectTypeId: from.id, fromObjectId: wireId(p.fromId), toObjectTypeId: to.id, toObjectId: wireId(p.toId), labels };
    });
    return reply.code(201).send({ status: 'COMPLETE', results, startedAt, completedAt: new Date().toISOString() });
  });

  api.post<{ Params: { fromObjectType: string; toObjectType: string } }>('/crm/v4/associations/:fromObjectType/:toObjectType/batch/associate/default', async (req) => {
    const from = pathType(req.params.fromObjectType);
    const to = pathType(req.params.toObjectType);
    assertPair(from, to);
    const startedAt = new Date().toISOString();
    const pair = pairTypes(from, to) as { unlabeled: number };
    const inputs = batchInputs(req.body);
    const results = inputs.map((i) => {
      const fromId = idOf(i.from);
      const toId = idOf(i.to);
      mustExist(ctx, from, fromId);
      mustExist(ctx, to, toId);
      ctx.associations.add(from, fromId, to, toId, [pair.unlabeled]);
      return { from: { id: fromId }, to: { id: toId }, associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: pair.unlabeled } };
    });
    return { status: 'COMPLETE', results, startedAt, completedAt: new Date().toISOString() };
  });

  api.post<{ Params: { fromObjectType: string; toObjectType: string } }>('/crm/v4/associations/:fromObjectType/:toObjectType/batch/read', async (req, reply) => {
    const from = pathType(req.params.fromObjectType);
    const to = pathType(req.params.toObjectType);
    const startedAt = new Date().toISOString();
    const inputs = batchInputs(req.body);
    const results: object[] = [];
    const errors: object[] = [];
    for (const i of inputs) {
      const id = String(i.id ?? '');
      const found = associatedObjects(ctx, from, id, to);
      if (found.length > 0) results.push({ from: { id }, to: found });
      // UNCONFIRMED: wording; HubSpot reports ids without associations as 207 errors.
      else errors.push({ status: 'error', category: 'OBJECT_NOT_FOUND', message: `No ${to.singular} is associated with ${from.singular} ${id}.`, context: { fromObjectId: [id] }, errors: [], links: {} });
    }
    const body: Record<string, unknown> = { status: 'COMPLETE', results, startedAt, completedAt: new Date().toISOString() };
    if (errors.length > 0) Object.assign(body, { numErrors: errors.length, errors });
    return reply.code(errors.length > 0 ? 207 : 200).send(body);
  });

  api.post<{ Params: { fromObjectType: string; toObjectType: string } }>('/crm/v4/associations/:fromObjectType/:toObjectType/batch/archive', async (req, reply) => {
    const from = pathType(req.params.fromObjectType);
    const to = pathType(req.params.toObjectType);
    for (const i of batchInputs(req.body)) {
      const fromId = idOf(i.from);
      const tos = Array.isArray(i.to) ? (i.to as unknown[]) : [i.to];
      for (const t of tos) ctx.associations.remove(from, fromId, to, idOf(t));
    }
    return reply.code(204).send();
  });

  api.post<{ Params: { fromObjectType: string; toObjectType: string } }>('/crm/v4/associations/:fromObjectType/:toObjectType/batch/labels/archive', async (req, reply) => {
    const from = pathType(req.params.fromObjectType);
    const to = pathType(req.params.toObjectType);
    for (const i of batchInputs(req.body)) {
      const kinds = parseKinds(from, to, i.types);
      ctx.associations.removeKinds(
        from,
        idOf(i.from),
        to,
        idOf(i.to),
        kinds.map((k) => k.typeId),
      );
    }
    return reply.code(204).send();
  });
}
