/**
 * The records API:
 * - `POST /records/batch` `{records: [{key, fields, idempotencyKey?}]}` (at most `maxBatch`):
 *   upsert by `key`; 200 `{results: [{key, id, created, ...record}], errors: []}`, or 207 when
 *   some records were refused, each error `{index, key, status, message}`;
 * - `GET /records/{id}`, `GET /records?updatedSince=&after=&limit=` (changes in update order);
 * - `POST /oauth/token` (form, `grant_type=refresh_token`).
 * Requests carry `Authorization: Bearer <token>`: a static token or one issued by the token route.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimulatorKit } from '../kit/server.js';
import { bearerToken } from '../kit/tokens.js';
import type { FixedWindow } from '../kit/windows.js';
import { rateHeaders, sendError, targetErrors } from './errors.js';
import type { RecordsState, TargetRecord } from './store.js';

export interface RoutesContext {
  state: RecordsState;
  kit: SimulatorKit;
  maxBatch: number;
  window: () => FixedWindow | undefined;
  /** Batches applied at once but answered late (an answer lost to the caller's timeout). */
  slowAnswers: SlowAnswer[];
  oauth?: { clientId: string; clientSecret: string; accessTokenLifetimeSeconds: number };
}

/** The next `count` batch requests are applied at once and answered `delayMs` later. */
export interface SlowAnswer {
  count: number;
  delayMs: number;
}

function view(r: TargetRecord) {
  return { id: r.id, key: r.key, fields: r.fields, createdAt: r.createdAt, updatedAt: r.updatedAt, version: r.version };
}

export function registerApiRoutes(app: FastifyInstance, ctx: RoutesContext): void {
  const { state, kit } = ctx;
  const errors = targetErrors(ctx.window);

  app.post('/oauth/token', async (req, reply) => {
    const form = (req.body ?? {}) as Record<string, string | undefined>;
    const o = ctx.oauth;
    if (!o) return sendError(reply, 404, 'not_found', 'this target has no OAuth');
    if (form.client_id !== o.clientId || form.client_secret !== o.clientSecret) return reply.code(401).send({ error: 'invalid_client' });
    if (form.grant_type !== 'refresh_token') return reply.code(400).send({ error: 'unsupported_grant_type' });
    const result = kit.tokens.refreshWith(form.refresh_token ?? '', o.accessTokenLifetimeSeconds, false);
    if ('error' in result) return reply.code(400).send({ error: 'invalid_grant', error_description: 'the refresh token is unknown or revoked' });
    return { access_token: result.access.token, token_type: 'bearer', expires_in: o.accessTokenLifetimeSeconds, refresh_token: result.refreshToken };
  });

  app.register(async (api) => {
    api.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
      const check = kit.tokens.check(bearerToken(req.headers.authorization));
      if (!check.ok) return errors.unauthorized(reply, check.reason);
      const w = ctx.window();
      if (w && !w.tryTake()) {
        state.rateLimited += 1;
        return errors.rateLimited(reply, undefined);
      }
      rateHeaders(reply, w);
      const idem = req.headers['idempotency-key'];
      if (typeof idem === 'string' && idem) state.sawIdempotencyKey(idem);
      return undefined;
    });

    api.post('/records/batch', async (req, reply) => {
      const body = req.body as { records?: unknown } | undefined;
      const records = body?.records;
      if (!Array.isArray(records)) return sendError(reply, 400, 'bad_request', 'body.records must be an array');
      if (records.length > ctx.maxBatch) return sendError(reply, 400, 'bad_request', `at most ${ctx.maxBatch} records per batch, got ${records.length}`);
      const results: unknown[] = [];
      const failures: unknown[] = [];
      records.forEach((raw: unknown, index: number) => {
        const item = (raw ?? {}) as { key?: unknown; fields?: unknown; idempotencyKey?: unknown };
        const key = typeof item.key === 'string' || typeof item.key === 'number' ? String(item.key) : '';
        if (!key) {
          failures.push({ index, key: null, status: 400, message: 'VALIDATION_ERROR: the record has no key' });
          return;
        }
        if (typeof item.idempotencyKey === 'string' && item.idempotencyKey) state.sawIdempotencyKey(item.idempotencyKey);
        const fields = item.fields && typeof item.fields === 'object' && !Array.isArray(item.fields) ? { ...(item.fields as Record<string, unknown>) } : {};
        delete fields.key;
        const r = state.upsert(key, fields);
        if (r.ok) results.push({ ...view(r.record), created: r.created });
        else failures.push({ index, key, status: r.status, message: r.message });
      });
      const slow = ctx.slowAnswers[0];
      if (slow) {
        if (--slow.count <= 0) ctx.slowAnswers.shift();
        await new Promise((r) => setTimeout(r, slow.delayMs));
      }
      return reply.code(failures.length ? 207 : 200).send({ results, errors: failures });
    });

    api.get<{ Params: { id: string } }>('/records/:id', async (req, reply) => {
      const r = state.getById(req.params.id);
      if (!r) return sendError(reply, 404, 'not_found', `no record ${req.params.id}`);
      return view(r);
    });

    api.get<{ Querystring: { updatedSince?: string; after?: string; limit?: string } }>('/records', async (req, reply) => {
      const limit = Math.min(500, Math.max(1, Number(req.query.limit ?? 100) || 100));
      if (req.query.updatedSince !== undefined && Number.isNaN(Date.parse(req.query.updatedSince))) {
        return sendError(reply, 400, 'bad_request', 'updatedSince must be an ISO-8601 time');
      }
      const page = state.list({ limit, ...(req.query.updatedSince ? { since: req.query.updatedSince } : {}), ...(req.query.after ? { after: req.query.after } : {}) });
      return { results: page.results.map(view), next: page.next };
    });
  });
}
