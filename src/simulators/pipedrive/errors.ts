/**
 * Pipedrive's error bodies (FACTS §2.4). The API answers errors in its general envelope; the
 * webhook endpoints of v1 use their own `{status, success, errors}` shape.
 */
import type { FastifyReply } from 'fastify';
import type { VendorErrorResponder } from '../kit/faults.js';

const ERROR_INFO = 'Please check developers.pipedrive.com';

export interface PipedriveErrorBody {
  success: false;
  error: string;
  error_info: string;
  data: null;
  additional_data: null;
  errorCode?: number;
  code?: string;
}

export function errorBody(error: string, extra: { errorCode?: number; code?: string } = {}): PipedriveErrorBody {
  return { success: false, error, error_info: ERROR_INFO, data: null, additional_data: null, ...extra };
}

export function sendError(reply: FastifyReply, status: number, error: string, extra: { errorCode?: number; code?: string } = {}): FastifyReply {
  return reply.code(status).send(errorBody(error, extra));
}

/** The v1 webhook endpoints' error shape, e.g. `{subscription_url: ["invalid or non-reachable URL"]}`. */
export function sendWebhookErrors(reply: FastifyReply, status: number, errors: Record<string, string[]>): FastifyReply {
  return reply.code(status).send({ status: 'error', success: false, errors });
}

/**
 * The 429 body is not documented (FACTS §2.3: UNCONFIRMED); the general error envelope is
 * assumed, with Pipedrive's usual wording.
 */
export function rateLimitBody(daily: boolean): PipedriveErrorBody {
  return errorBody(daily ? 'Daily token budget exceeded' : 'Request over limit', { errorCode: 429 });
}

/**
 * 401 merges the general envelope with the v1 example `{success:false, error:"unauthorized
 * access", errorCode:401}` so readers of either shape find their fields.
 */
export function unauthorizedBody(): PipedriveErrorBody {
  return errorBody('unauthorized access', { errorCode: 401 });
}

export const pipedriveErrors: VendorErrorResponder = {
  serverError(reply, status) {
    return sendError(reply, status, status === 503 ? 'Requested service is not available' : 'Internal server error', { errorCode: status });
  },
  rateLimited(reply, retryAfterSeconds) {
    // A scripted 429 does not touch the real windows, so the headers describe a full window.
    const reset = retryAfterSeconds ?? 2;
    reply.header('x-ratelimit-remaining', '0').header('x-ratelimit-reset', String(reset));
    if (retryAfterSeconds !== undefined) reply.header('retry-after', String(retryAfterSeconds));
    return reply.code(429).send(rateLimitBody(false));
  },
  unauthorized(reply) {
    return reply.code(401).send(unauthorizedBody());
  },
};
