/**
 * What every HubSpot API request goes through before its route: the bearer token check and the
 * account's rate limits. Kept to a token lookup and a few counter updates, as the simulator must
 * sustain thousands of requests per second.
 */
import type { FastifyError, FastifyInstance, onRequestHookHandler } from 'fastify';
import { acceptLenientJson } from '../kit/jsonBody.js';
import { bearerToken } from '../kit/tokens.js';
import type { HubspotContext } from './context.js';
import { errorBody, HubspotHttpError, rateLimitBody, unauthorizedBody } from './errors.js';

export function apiGuard(ctx: HubspotContext): onRequestHookHandler {
  return function guard(req, reply, done) {
    const check = ctx.kit.tokens.check(bearerToken(req.headers.authorization));
    if (!check.ok) {
      reply.code(401).send(unauthorizedBody(check.reason));
      return;
    }
    const now = Date.now();
    const isSearch = req.method === 'POST' && req.routeOptions.url?.endsWith('/search') === true;
    const refused = ctx.limiter.take(now, isSearch);
    ctx.limiter.setHeaders(reply, now);
    if (refused) {
      // UNCONFIRMED: HubSpot sending Retry-After at all (off unless configured).
      if (ctx.config.sendRetryAfter) reply.header('Retry-After', String(Math.max(1, Math.ceil(ctx.limiter.retryAfterMs(refused, now) / 1000))));
      reply.code(429).send(rateLimitBody(refused));
      return;
    }
    done();
  };
}

/**
 * JSON bodies may be empty (the SDK sends `Content-Type: application/json` on bodiless DELETEs),
 * and every error leaves in HubSpot's error shape.
 */
export function installHttpBehaviour(app: FastifyInstance): void {
  acceptLenientJson(app, (message) => new HubspotHttpError(400, errorBody('VALIDATION_ERROR', `Invalid input JSON on line 1: ${message}`)));

  app.setErrorHandler((error: FastifyError | HubspotHttpError, _req, reply) => {
    if (error instanceof HubspotHttpError) return reply.code(error.statusCode).send(error.body);
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) return reply.code(status).send(errorBody('INTERNAL_ERROR', 'internal error'));
    return reply.code(status).send(errorBody('VALIDATION_ERROR', error.message));
  });

  // UNCONFIRMED: HubSpot's body for unknown paths.
  app.setNotFoundHandler((req, reply) => reply.code(404).send(errorBody('OBJECT_NOT_FOUND', `No route for ${req.method} ${req.url.split('?')[0] ?? ''}`)));
}
