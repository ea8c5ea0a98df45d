/**
 * What every `/api/v3` request goes through before its route (the project API key, then the
 * organization's rate limit) and how bodies are parsed and errors leave: always in Composio's
 * error shape.
 */
import type { FastifyError, FastifyInstance, onRequestHookHandler } from 'fastify';
import { acceptLenientJson } from '../kit/jsonBody.js';
import type { ComposioContext } from './context.js';
import { ComposioHttpError, errorBody, rateLimitBody, UNAUTHORIZED_MESSAGE } from './errors.js';

export function apiGuard(ctx: ComposioContext): onRequestHookHandler {
  return function guard(req, reply, done) {
    const key = req.headers['x-api-key'];
    if (typeof key !== 'string' || !ctx.config.apiKeys.includes(key)) {
      reply.code(401).send(errorBody(401, UNAUTHORIZED_MESSAGE, { suggestedFix: 'Create an API key in the project settings and send it as x-api-key' }));
      return;
    }
    const now = Date.now();
    const allowed = ctx.limiter.take(now);
    ctx.limiter.setHeaders(reply, now);
    if (!allowed) {
      reply.header('Retry-After', String(ctx.limiter.retryAfterSeconds(now)));
      const r = ctx.config.rateLimit;
      reply.code(429).send(rateLimitBody(r.limit, r.windowMs, r.body));
      return;
    }
    done();
  };
}

export function installHttpBehaviour(app: FastifyInstance): void {
  acceptLenientJson(app, (message) => new ComposioHttpError(400, `Invalid JSON body: ${message}`));

  app.setErrorHandler((error: FastifyError | ComposioHttpError, _req, reply) => {
    if (error instanceof ComposioHttpError) return reply.code(error.statusCode).send(error.body);
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 500;
    return reply.code(status).send(errorBody(status, status >= 500 ? 'Internal server error' : error.message));
  });

  // UNCONFIRMED: Composio's body for unknown paths.
  app.setNotFoundHandler((req, reply) => reply.code(404).send(errorBody(404, `Cannot ${req.method} ${req.url.split('?')[0] ?? ''}`)));
}
