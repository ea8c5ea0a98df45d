/**
 * Composio's error body (the OpenAPI `Error` schema, FACTS §4.2):
 * `{"error":{"message","code","status","request_id"?,"suggested_fix"?,"errors"?}}`, and the
 * rate-limit body of the rate-limit docs (FACTS §4.5).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { VendorErrorResponder } from '../kit/faults.js';

export interface ComposioErrorBody {
  error: {
    message: string;
    code: number;
    status: number;
    request_id: string;
    suggested_fix?: string;
    errors?: string[];
  };
}

/**
 * The SDK maps this code to `ComposioConnectedAccountNotFoundError`
 * [SDK @composio/core errors: ERROR_CODE_HANDLERS].
 */
export const CONNECTED_ACCOUNT_NOT_FOUND_CODE = 1803;

export interface ErrorExtra {
  /** Composio's numeric error code. @defaultValue the HTTP status (Composio's own codes are UNCONFIRMED except 1803) */
  code?: number;
  suggestedFix?: string;
  errors?: string[];
}

export function errorBody(status: number, message: string, extra: ErrorExtra = {}): ComposioErrorBody {
  return {
    error: {
      message,
      code: extra.code ?? status,
      status,
      request_id: randomUUID(),
      ...(extra.suggestedFix ? { suggested_fix: extra.suggestedFix } : {}),
      ...(extra.errors ? { errors: extra.errors } : {}),
    },
  };
}

/** An error a handler throws; the error handler sends its body. */
export class ComposioHttpError extends Error {
  readonly body: ComposioErrorBody;
  constructor(
    readonly statusCode: number,
    message: string,
    extra: ErrorExtra = {},
  ) {
    super(message);
    this.body = errorBody(statusCode, message, extra);
  }
}

export const badRequest = (message: string, extra?: ErrorExtra) => new ComposioHttpError(400, message, extra);
export const notFound = (message: string, extra?: ErrorExtra) => new ComposioHttpError(404, message, extra);

export function connectedAccountNotFound(id: string): ComposioHttpError {
  return notFound(`Connected account ${id} not found`, {
    code: CONNECTED_ACCOUNT_NOT_FOUND_CODE,
    suggestedFix: 'Check the connected account id, or list the user\'s accounts with GET /api/v3/connected_accounts',
  });
}

export function rateLimitBody(limit: number, windowMs: number, shape: 'docs' | 'spec'): unknown {
  const minutes = Math.max(1, Math.round(windowMs / 60_000));
  const message = `Rate limit exceeded. Limit: ${limit} requests per ${minutes} minutes`;
  return shape === 'docs' ? { message } : errorBody(429, message);
}

// UNCONFIRMED: the wording of Composio's 401 and 5xx messages.
export const UNAUTHORIZED_MESSAGE = 'Invalid API key. Pass a valid project API key in the x-api-key header.';

/** Answers for the kit's injected faults, worded as Composio words them. */
export function composioFaultResponder(rate: { limit: number; windowMs: number; body: 'docs' | 'spec' }): VendorErrorResponder {
  return {
    serverError(reply: FastifyReply, status: number) {
      return reply.code(status).send(errorBody(status, status === 503 ? 'Service temporarily unavailable' : 'Internal server error'));
    },
    rateLimited(reply: FastifyReply, retryAfterSeconds: number | undefined) {
      reply.header('X-RateLimit', String(rate.limit));
      reply.header('X-RateLimit-Remaining', '0');
      reply.header('X-RateLimit-Window-Size', `${Math.round(rate.windowMs / 1000)}s`);
      reply.header('Retry-After', String(retryAfterSeconds ?? Math.round(rate.windowMs / 1000)));
      return reply.code(429).send(rateLimitBody(rate.limit, rate.windowMs, rate.body));
    },
    unauthorized(reply: FastifyReply) {
      return reply.code(401).send(errorBody(401, UNAUTHORIZED_MESSAGE));
    },
  };
}
