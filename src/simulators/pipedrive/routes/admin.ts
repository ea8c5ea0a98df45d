/**
 * Pipedrive's admin routes, next to the kit's (`/__admin/faults`, `/__admin/reset`,
 * `/__admin/deliveries`). Never rate limited or charged.
 *
 * - `GET /__admin/state`: records, notes, fields, webhooks and token usage
 * - `POST /__admin/records/{entity}`, `PATCH|DELETE /__admin/records/{entity}/{id}`: a user's
 *   edit in the Pipedrive app (`change_source: "app"` in webhooks), same validation as the API
 * - `POST /__admin/fields/{entity}` `{name, type, options?}`: a custom field added in the app
 * - `POST /__admin/clock` `{advanceMs}`: moves record time forward (for `updated_since` tests)
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomHex } from '../../kit/rng.js';
import { errorBody } from '../errors.js';
import type { CustomFieldType, FieldDefinition } from '../fields.js';
import type { PipedriveContext } from '../gate.js';
import { ValidationError, isEntityName, isPlainObject, type EntityName } from '../records.js';

const FIELD_TYPES: readonly CustomFieldType[] = ['varchar', 'text', 'double', 'enum', 'set', 'date', 'phone'];

export function registerAdmin(app: FastifyInstance, ctx: PipedriveContext): void {
  app.get('/__admin/state', async () => {
    const s = ctx.store;
    const rows = (entity: EntityName) => [...s.rows[entity].values()];
    return {
      company: { id: ctx.config.company.id, domain: ctx.config.company.domain, userId: ctx.config.company.userId },
      organizations: rows('organizations'),
      persons: rows('persons'),
      deals: rows('deals'),
      notes: [...s.notes.values()],
      fields: s.fields,
      webhooks: [...s.webhooks.values()].map(({ http_auth_password: _secret, ...w }) => w),
      usage: { dailyTokensUsed: ctx.limits.daily.used, dailyTokensLeft: ctx.limits.daily.remaining() },
      clock: s.clock.peek().toISOString(),
    };
  });

  const entityOf = (request: FastifyRequest, reply: FastifyReply): EntityName | undefined => {
    const { entity } = request.params as { entity: string };
    if (isEntityName(entity)) return entity;
    void reply.code(404).send(errorBody(`Unknown entity ${entity}`));
    return undefined;
  };

  const guarded =
    (fn: (request: FastifyRequest, reply: FastifyReply) => unknown) =>
    async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
      try {
        return await fn(request, reply);
      } catch (err) {
        if (err instanceof ValidationError) return reply.code(400).send(errorBody(err.message));
        throw err;
      }
    };

  app.post(
    '/__admin/records/:entity',
    guarded((request, reply) => {
      const entity = entityOf(request, reply);
      if (!entity) return reply;
      return { success: true, data: ctx.store.create(entity, request.body, 'app') };
    }),
  );

  app.patch(
    '/__admin/records/:entity/:id',
    guarded((request, reply) => {
      const entity = entityOf(request, reply);
      if (!entity) return reply;
      const row = ctx.store.update(entity, Number((request.params as { id: string }).id), request.body, 'app');
      if (!row) return reply.code(404).send(errorBody('Record not found'));
      return { success: true, data: row };
    }),
  );

  app.delete(
    '/__admin/records/:entity/:id',
    guarded((request, reply) => {
      const entity = entityOf(request, reply);
      if (!entity) return reply;
      const row = ctx.store.remove(entity, Number((request.params as { id: string }).id), 'app');
      if (!row) return reply.code(404).send(errorBody('Record not found'));
      return { success: true, data: { id: row.id } };
    }),
  );

  app.post(
    '/__admin/fields/:entity',
    guarded((request, reply) => {
      const entity = entityOf(request, reply);
      if (!entity) return reply;
      const body = isPlainObject(request.body) ? request.body : {};
      if (typeof body.name !== 'string' || body.name === '') throw new ValidationError('name is required');
      const type = body.type as CustomFieldType;
      if (!FIELD_TYPES.includes(type)) throw new ValidationError(`type must be one of ${FIELD_TYPES.join(', ')}`);
      const labels = Array.isArray(body.options) ? body.options.map(String) : [];
      if ((type === 'enum' || type === 'set') && labels.length === 0) throw new ValidationError('options are required for enum and set fields');
      const def: FieldDefinition = {
        id: ctx.store.fieldIds.take(),
        code: randomHex(ctx.kit.rand, 40),
        name: body.name,
        type,
        custom: true,
        options: type === 'enum' || type === 'set' ? labels.map((label, i) => ({ id: i + 1, label })) : null,
        addTime: ctx.store.clock.peek().toISOString(),
      };
      ctx.store.addCustomField(entity, def);
      return { success: true, data: { key: def.code, name: def.name, field_type: def.type, options: def.options } };
    }),
  );

  app.post('/__admin/clock', async (request) => {
    const body = isPlainObject(request.body) ? request.body : {};
    const ms = typeof body.advanceMs === 'number' && body.advanceMs > 0 ? body.advanceMs : 0;
    ctx.store.clock.advance(ms);
    return { clock: ctx.store.clock.peek().toISOString() };
  });
}
