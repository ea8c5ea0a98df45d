/**
 * Every error leaves the daemon's port as JSON `{error, message}`: a short machine-readable code and
 * a human sentence. No stack trace, and for 5xx no internal detail at all (it goes to the log,
 * redacted, through the `request_failed` event).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ServerRequestFailed, type Telemetry } from '../telemetry/events.js';
import { redactSecrets } from '../telemetry/secrets.js';

export interface ErrorBody {
  error: string;
  message: string;
}

const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  408: 'request_timeout',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  503: 'unavailable',
};

export function errorCode(status: number): string {
  return CODES[status] ?? (status >= 500 ? 'internal' : 'bad_request');
}

export function sendError(reply: FastifyReply, status: number, message: string, code = errorCode(status)): FastifyReply {
  const body: ErrorBody = { error: code, message };
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

export function statusOf(err: Partial<FastifyError>): number {
  const s = err.statusCode;
  return typeof s === 'number' && s >= 400 && s < 600 ? s : 500;
}

/** The daemon-wide error handler. */
export function errorResponder(telemetry: Telemetry) {
  return (err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const status = statusOf(err);
    if (status >= 500) {
      telemetry.emit(ServerRequestFailed, { route: request.routeOptions.url ?? 'unmatched', method: request.method, status, error: err });
      return sendError(reply, status, 'internal error');
    }
    // fastify's 4xx messages describe the request (size, media type, JSON syntax), never server state.
    return sendError(reply, status, redactSecrets(err.message));
  };
}
