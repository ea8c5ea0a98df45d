/** CRM properties v3: list, read and create property definitions. */
import type { FastifyInstance } from 'fastify';
import type { HubspotContext } from './context.js';
import { notFound } from './errors.js';
import { pathType } from './params.js';

export function registerPropertyRoutes(api: FastifyInstance, ctx: HubspotContext): void {
  api.get<{ Params: { objectType: string } }>('/crm/v3/properties/:objectType', async (req) => {
    return { results: ctx.registry.all(pathType(req.params.objectType)) };
  });

  api.get<{ Params: { objectType: string; propertyName: string } }>('/crm/v3/properties/:objectType/:propertyName', async (req) => {
    const type = pathType(req.params.objectType);
    const def = ctx.registry.get(type, req.params.propertyName);
    if (!def) throw notFound(`Unable to find property ${req.params.propertyName} for object type ${type.id}`, { propertyName: [req.params.propertyName] });
    return def;
  });

  api.post<{ Params: { objectType: string } }>('/crm/v3/properties/:objectType', async (req, reply) => {
    const def = ctx.registry.create(pathType(req.params.objectType), req.body, new Date().toISOString());
    return reply.code(201).send(def);
  });
}
