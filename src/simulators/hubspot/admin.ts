/**
 * HubSpot's admin routes (outside the API: no auth, no limits, no faults). Besides inspection,
 * they edit records "as a user in the CRM", which is what makes HubSpot send webhooks to the app.
 */
import type { FastifyInstance } from 'fastify';
import type { HubspotContext } from './context.js';
import { validationError } from './errors.js';
import { objectNotFound } from './objectRoutes.js';
import { OBJECT_TYPES } from './objectTypes.js';
import { pathType } from './params.js';
import type { ChangeSource } from './webhookHub.js';
import { applyUpdate, archiveRecord, createRecord, prepareUpdate } from './writes.js';

/** The user id in events caused by admin edits (the one in HubSpot's documented example). */
const DEFAULT_USER_ID = 882761034;

function userSource(body: unknown): ChangeSource {
  const userId = (body as { userId?: unknown } | undefined)?.userId;
  return { changeSource: 'CRM', sourceId: `userId:${typeof userId === 'number' || typeof userId === 'string' ? userId : DEFAULT_USER_ID}` };
}

function adminView(ctx: HubspotContext, type: string, id: string) {
  const t = pathType(type);
  const rec = ctx.records.get(t, id);
  if (!rec) throw objectNotFound(t, id);
  const out = ctx.records.toPublic(rec, ctx.registry.all(t).map((d) => d.name));
  const associations: Record<string, Array<{ id: string; typeIds: number[] }>> = {};
  for (const to of OBJECT_TYPES) {
    const list = ctx.associations.list(t, id, to).map((a) => ({ id: a.toId, typeIds: a.typeIds }));
    if (list.length > 0) associations[to.name] = list;
  }
  return { ...out, associations };
}

export function registerAdminRoutes(app: FastifyInstance, ctx: HubspotContext): void {
  app.get('/__admin/state', async () => ({
    portalId: ctx.config.portalId,
    counts: Object.fromEntries(OBJECT_TYPES.map((t) => [t.name, ctx.records.count(t)])),
    associations: ctx.associations.size,
    webhooks: { settings: ctx.hub.settings ?? null, subscriptions: ctx.hub.subscriptions.size },
    limits: {
      tenSecondRemaining: ctx.limiter.tenSecond.remaining(),
      dailyUsed: ctx.limiter.daily.used,
      dailyRemaining: ctx.limiter.daily.remaining(),
    },
    oauthRefreshes: ctx.kit.tokens.refreshCount,
  }));

  app.get<{ Params: { objectType: string; id: string } }>('/__admin/records/:objectType/:id', async (req) => adminView(ctx, req.params.objectType, req.params.id));

  app.post<{ Params: { objectType: string } }>('/__admin/records/:objectType', async (req, reply) => {
    const rec = createRecord(ctx, pathType(req.params.objectType), req.body, userSource(req.body));
    return reply.code(201).send(adminView(ctx, req.params.objectType, rec.id));
  });

  app.patch<{ Params: { objectType: string; id: string } }>('/__admin/records/:objectType/:id', async (req) => {
    const type = pathType(req.params.objectType);
    const rec = ctx.records.find(type, req.params.id);
    if (!rec) throw objectNotFound(type, req.params.id);
    const values = prepareUpdate(ctx, rec, (req.body as { properties?: unknown } | undefined)?.properties);
    const changed = applyUpdate(ctx, rec, values, userSource(req.body));
    return { ...adminView(ctx, req.params.objectType, rec.id), changed };
  });

  app.delete<{ Params: { objectType: string; id: string } }>('/__admin/records/:objectType/:id', async (req, reply) => {
    const type = pathType(req.params.objectType);
    const rec = ctx.records.find(type, req.params.id);
    if (!rec) throw objectNotFound(type, req.params.id);
    archiveRecord(ctx, rec, userSource(req.body));
    return reply.code(204).send();
  });

  /** Moves record time forward, so later writes carry later modification dates. */
  app.post('/__admin/clock/advance', async (req) => {
    const ms = Number((req.body as { ms?: unknown } | undefined)?.ms);
    if (!Number.isFinite(ms) || ms < 0) throw validationError('ms must be a non-negative number');
    ctx.records.clock.advance(ms);
    return { now: ctx.records.clock.peek().toISOString() };
  });
}
