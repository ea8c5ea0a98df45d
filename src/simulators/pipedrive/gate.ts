/**
 * The path every API request takes before its handler: credential check, rate limits and the
 * daily token charge, rate-limit headers, and errors turned into Pipedrive's envelope. Kept to a
 * few map lookups, as the simulator has to serve thousands of requests per second.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimulatorKit } from '../kit/server.js';
import { authenticate } from './auth.js';
import type { ResolvedPipedriveConfig } from './config.js';
import { rateLimitBody, sendError, unauthorizedBody } from './errors.js';
import type { PipedriveLimits } from './limits.js';
import { routeUrl, type Operation } from './operations.js';
import { ValidationError } from './records.js';
import type { PipedriveStore } from './store.js';
import type { PipedriveWebhooks } from './webhooks.js';

export interface PipedriveContext {
  readonly kit: SimulatorKit;
  readonly config: ResolvedPipedriveConfig;
  readonly apiTokens: ReadonlySet<string>;
  readonly limits: PipedriveLimits;
  readonly webhooks: PipedriveWebhooks;
  /** Replaced on reset. */
  store: PipedriveStore;
}

export type OperationHandler = (request: FastifyRequest, reply: FastifyReply) => unknown;

export function registerOperation(app: FastifyInstance, ctx: PipedriveContext, op: Operation, handler: OperationHandler): void {
  app.route({
    method: op.method,
    url: routeUrl(op),
    handler: async (request, reply) => {
      const auth = authenticate(request, ctx.kit.tokens, ctx.apiTokens);
      if (!auth.ok) return reply.code(401).send(unauthorizedBody());
      const decision = ctx.limits.take(auth.token, auth.kind, op.tokenCost, op.search === true);
      const h = decision.headers;
      reply.headers({
        'x-ratelimit-limit': h.limit,
        'x-ratelimit-remaining': h.remaining,
        'x-ratelimit-reset': h.reset,
        'x-daily-requests-left': h.dailyLeft,
      });
      if (!decision.ok) return reply.code(429).send(rateLimitBody(decision.daily));
      try {
        return await handler(request, reply);
      } catch (err) {
        if (err instanceof ValidationError) return sendError(reply, 400, err.message, { errorCode: 400 });
        throw err;
      }
    },
  });
}

/** A path id: a positive integer, else 400 like the live API's parameter validation. */
export function pathId(request: FastifyRequest): number {
  const raw = (request.params as { id?: string }).id ?? '';
  const id = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(id) || id < 1) throw new ValidationError('Validation failed: id: must be a positive integer');
  return id;
}

export type Query = Record<string, string | undefined>;

export function queryOf(request: FastifyRequest): Query {
  return request.query as Query;
}
