/**
 * Webhooks v3 management API under `/webhooks/v3/{appId}` (FACTS §1.9). It is a developer-level
 * API: it takes the developer key as `?hapikey=`; a valid bearer token is accepted as well.
 */
import type { FastifyInstance } from 'fastify';
import { bearerToken } from '../kit/tokens.js';
import type { HubspotContext } from './context.js';
import { errorBody, HubspotHttpError, notFound, unauthorizedBody } from './errors.js';

type AppParams = { appId: string };

export function registerWebhookRoutes(app: FastifyInstance, ctx: HubspotContext): void {
  app.register(async (hooks) => {
    hooks.addHook('onRequest', (req, reply, done) => {
      const q = req.query as { hapikey?: string };
      const ok = q.hapikey === ctx.config.webhooks.developerApiKey || ctx.kit.tokens.check(bearerToken(req.headers.authorization)).ok;
      if (!ok) {
        reply.code(401).send(unauthorizedBody('invalid'));
        return;
      }
      const appId = (req.params as Partial<AppParams>).appId;
      if (appId !== undefined && appId !== String(ctx.config.webhooks.appId)) {
        reply.code(404).send(errorBody('OBJECT_NOT_FOUND', `App ${appId} not found`));
        return;
      }
      done();
    });

    const base = '/webhooks/v3/:appId';
    hooks.get<{ Params: AppParams }>(`${base}/settings`, async () => {
      if (!ctx.hub.settings) throw notFound('No webhook settings exist for this app');
      return ctx.hub.settings;
    });
    hooks.put<{ Params: AppParams }>(`${base}/settings`, async (req) => ctx.hub.putSettings(req.body));
    hooks.delete<{ Params: AppParams }>(`${base}/settings`, async (_req, reply) => {
      ctx.hub.settings = undefined;
      return reply.code(204).send();
    });

    hooks.get<{ Params: AppParams }>(`${base}/subscriptions`, async () => ({ results: [...ctx.hub.subscriptions.values()] }));
    hooks.post<{ Params: AppParams }>(`${base}/subscriptions`, async (req, reply) => reply.code(201).send(ctx.hub.createSubscription(req.body)));
    hooks.get<{ Params: AppParams & { id: string } }>(`${base}/subscriptions/:id`, async (req) => {
      const sub = ctx.hub.subscriptions.get(req.params.id);
      if (!sub) throw notFound(`Subscription ${req.params.id} not found`);
      return sub;
    });
    hooks.patch<{ Params: AppParams & { id: string } }>(`${base}/subscriptions/:id`, async (req) => {
      const sub = ctx.hub.subscriptions.get(req.params.id);
      if (!sub) throw notFound(`Subscription ${req.params.id} not found`);
      const active = (req.body as { active?: unknown } | undefined)?.active;
      if (typeof active !== 'boolean') throw new HubspotHttpError(400, errorBody('VALIDATION_ERROR', 'active must be a boolean', { errors: [{ message: 'required', in: 'active' }] }));
      sub.active = active;
      sub.updatedAt = new Date().toISOString();
      return sub;
    });
    hooks.delete<{ Params: AppParams & { id: string } }>(`${base}/subscriptions/:id`, async (req, reply) => {
      ctx.hub.subscriptions.delete(req.params.id);
      return reply.code(204).send();
    });
  });
}
