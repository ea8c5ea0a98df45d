/** Error bodies of the records target: `{error, message}` with the HTTP status. */
import type { FastifyReply } from 'fastify';
import type { VendorErrorResponder } from '../kit/faults.js';
import type { FixedWindow } from '../kit/windows.js';

export function sendError(reply: FastifyReply, status: number, error: string, message: string): FastifyReply {
  return reply.code(status).send({ error, message });
}

/** Rate-limit headers of the configured window (or of a full window for a scripted 429). */
export function rateHeaders(reply: FastifyReply, window: FixedWindow | undefined, now = Date.now()): void {
  if (!window) return;
  reply.header('x-ratelimit-limit', String(window.limit));
  reply.header('x-ratelimit-remaining', String(window.remaining(now)));
  reply.header('x-ratelimit-reset', String(Math.max(1, Math.ceil(window.msUntilReset(now) / 1000))));
}

export function targetErrors(window: () => FixedWindow | undefined): VendorErrorResponder {
  return {
    serverError(reply, status) {
      return sendError(reply, status, 'server_error', status === 503 ? 'service unavailable, try again' : 'internal error');
    },
    rateLimited(reply, retryAfterSeconds) {
      const w = window();
      const seconds = retryAfterSeconds ?? (w ? Math.max(1, Math.ceil(w.msUntilReset() / 1000)) : 1);
      reply.header('retry-after', String(seconds));
      reply.header('x-ratelimit-remaining', '0');
      reply.header('x-ratelimit-reset', String(seconds));
      if (w) reply.header('x-ratelimit-limit', String(w.limit));
      return sendError(reply, 429, 'rate_limited', 'too many requests');
    },
    unauthorized(reply, reason) {
      return sendError(reply, 401, 'unauthorized', reason === 'revoked' ? 'the grant was revoked' : reason === 'expired' ? 'the access token expired' : 'missing or unknown access token');
    },
  };
}
