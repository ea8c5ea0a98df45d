/**
 * Admin routes of the records target (outside the API: no auth, no faults, no rate window):
 * - `GET /__admin/stats` the counters (writes, attempts, unchanged re-sends, refusals,
 *   idempotency keys, requests); `DELETE /__admin/stats` zeroes them
 * - `GET /__admin/records` every record; `GET /__admin/records/{key}` one record by key
 * - `PATCH /__admin/records/{key}` `{fields, updatedAt?}` edits (or creates) a record "as a user";
 *   a field set to `{"$unset": true}` is removed
 * - `POST /__admin/reject` `{key, status?, message?, count?}` refuses that key's next writes
 * - `POST /__admin/slow-answers` `{count, delayMs}`: the next batches are applied at once and
 *   answered late, as when a caller's timeout loses an answer to a write that did happen
 * - `PUT /__admin/rate` `{limit, windowMs}` sets the rate window; `{limit: 0}` removes it
 * The kit adds `/__admin/faults`, `/__admin/faults/script` and `/__admin/reset`.
 */
import type { FastifyInstance } from 'fastify';
import { sendError } from './errors.js';
import type { SlowAnswer } from './routes.js';
import type { RecordRejection, RecordsState } from './store.js';

export interface AdminContext {
  state: RecordsState;
  slowAnswers: SlowAnswer[];
  setRate(limit: number, windowMs: number): void;
}

export function registerAdminRoutes(app: FastifyInstance, ctx: AdminContext): void {
  const { state } = ctx;
  app.get('/__admin/stats', async () => state.stats());
  app.delete('/__admin/stats', async (_req, reply) => {
    state.resetCounters();
    return reply.code(204).send();
  });
  app.get('/__admin/records', async () => ({ results: state.all() }));
  app.get<{ Params: { key: string } }>('/__admin/records/:key', async (req, reply) => {
    const r = state.getByKey(req.params.key);
    return r ?? sendError(reply, 404, 'not_found', `no record with key ${req.params.key}`);
  });
  app.patch<{ Params: { key: string } }>('/__admin/records/:key', async (req, reply) => {
    const body = (req.body ?? {}) as { fields?: unknown; updatedAt?: unknown };
    if (!body.fields || typeof body.fields !== 'object' || Array.isArray(body.fields)) return sendError(reply, 400, 'bad_request', 'fields must be an object');
    if (body.updatedAt !== undefined && (typeof body.updatedAt !== 'string' || Number.isNaN(Date.parse(body.updatedAt)))) {
      return sendError(reply, 400, 'bad_request', 'updatedAt must be an ISO-8601 time');
    }
    return state.edit(req.params.key, body.fields as Record<string, unknown>, body.updatedAt as string | undefined);
  });
  app.post('/__admin/reject', async (req, reply) => {
    const body = (req.body ?? {}) as RecordRejection;
    if (typeof body.key !== 'string' || !body.key) return sendError(reply, 400, 'bad_request', 'key is required');
    state.reject(body);
    return reply.code(204).send();
  });
  app.post('/__admin/slow-answers', async (req, reply) => {
    const body = (req.body ?? {}) as { count?: unknown; delayMs?: unknown };
    const count = Number(body.count ?? 1);
    const delayMs = Number(body.delayMs ?? 1000);
    if (!(count > 0) || !(delayMs >= 0)) return sendError(reply, 400, 'bad_request', 'count must be positive and delayMs not negative');
    ctx.slowAnswers.push({ count, delayMs });
    return reply.code(204).send();
  });
  app.put('/__admin/rate', async (req) => {
    const body = (req.body ?? {}) as { limit?: unknown; windowMs?: unknown };
    ctx.setRate(Number(body.limit ?? 0), Number(body.windowMs ?? 1000));
    return { ok: true };
  });
}
