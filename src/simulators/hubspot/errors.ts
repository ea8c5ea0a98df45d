/**
 * HubSpot's error bodies (FACTS §1.8) and 429 bodies (FACTS §1.7). Clients key their behaviour on
 * these exact strings — the official SDK retries only on `policyName === "TEN_SECONDLY_ROLLING"`
 * or `message === "You have reached your secondly limit."` — so they are reproduced verbatim.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { VendorErrorResponder } from '../kit/faults.js';

export type ErrorCategory =
  | 'VALIDATION_ERROR'
  | 'INVALID_AUTHENTICATION'
  | 'EXPIRED_AUTHENTICATION'
  | 'MISSING_SCOPES'
  // UNCONFIRMED: HubSpot's category for a missing record (FACTS §1.8).
  | 'OBJECT_NOT_FOUND'
  // UNCONFIRMED: category of a duplicate unique value (FACTS §1.8).
  | 'CONFLICT'
  // UNCONFIRMED: category of a duplicate property definition.
  | 'OBJECT_ALREADY_EXISTS'
  | 'RATE_LIMITS'
  // UNCONFIRMED: HubSpot's 5xx bodies are not documented.
  | 'INTERNAL_ERROR';

export interface ErrorDetail {
  message: string;
  code?: string;
  in?: string;
  context?: Record<string, string[]>;
}

export interface HubspotErrorBody {
  status: 'error';
  message: string;
  correlationId: string;
  category: ErrorCategory;
  errors?: ErrorDetail[];
  context?: Record<string, string[]>;
  subCategory?: string;
}

export function errorBody(
  category: ErrorCategory,
  message: string,
  extra: { errors?: ErrorDetail[]; context?: Record<string, string[]>; subCategory?: string } = {},
): HubspotErrorBody {
  return { status: 'error', message, correlationId: randomUUID(), category, ...extra };
}

/** An error a handler throws; the error handler turns it into HubSpot's body. */
export class HubspotHttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: HubspotErrorBody,
  ) {
    super(body.message);
  }
}

export function validationError(message: string, extra?: Parameters<typeof errorBody>[2]): HubspotHttpError {
  return new HubspotHttpError(400, errorBody('VALIDATION_ERROR', message, extra));
}

export function notFound(message: string, context?: Record<string, string[]>): HubspotHttpError {
  return new HubspotHttpError(404, errorBody('OBJECT_NOT_FOUND', message, context ? { context } : {}));
}

export type RateLimitPolicy = 'TEN_SECONDLY_ROLLING' | 'DAILY' | 'SECONDLY';

const RATE_LIMIT_MESSAGES: Record<RateLimitPolicy, string> = {
  TEN_SECONDLY_ROLLING: 'You have reached your ten_secondly_rolling limit.',
  DAILY: 'You have reached your daily limit.',
  // The search limit's message is what the SDK matches on; its policyName is UNCONFIRMED.
  SECONDLY: 'You have reached your secondly limit.',
};

/** The 429 body exactly as FACTS §1.7 quotes it (no `category` field). */
export function rateLimitBody(policy: RateLimitPolicy): Record<string, string> {
  return {
    status: 'error',
    message: RATE_LIMIT_MESSAGES[policy],
    errorType: 'RATE_LIMIT',
    correlationId: randomUUID(),
    policyName: policy,
  };
}

// UNCONFIRMED: exact wording of HubSpot's 401 messages; the categories are documented.
const UNAUTHORIZED_MESSAGES = {
  invalid:
    'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
  expired: 'The OAuth token used to make this call expired.',
  revoked: 'The access token used to make this call is no longer valid: it was revoked.',
} as const;

export function unauthorizedBody(reason: 'expired' | 'revoked' | 'invalid'): HubspotErrorBody {
  return errorBody(reason === 'expired' ? 'EXPIRED_AUTHENTICATION' : 'INVALID_AUTHENTICATION', UNAUTHORIZED_MESSAGES[reason]);
}

/** Answers for the kit's injected faults, worded as HubSpot words them. */
export function hubspotFaultResponder(tenSecondLimit: () => number): VendorErrorResponder {
  return {
    serverError(reply: FastifyReply, status: number) {
      return reply.code(status).send(errorBody('INTERNAL_ERROR', 'internal error'));
    },
    rateLimited(reply: FastifyReply, retryAfterSeconds: number | undefined) {
      reply.header('X-HubSpot-RateLimit-Interval-Milliseconds', '10000');
      reply.header('X-HubSpot-RateLimit-Max', String(tenSecondLimit()));
      reply.header('X-HubSpot-RateLimit-Remaining', '0');
      // UNCONFIRMED: HubSpot sending Retry-After; only sent when a scripted fault asks for it.
      if (retryAfterSeconds !== undefined) reply.header('Retry-After', String(retryAfterSeconds));
      return reply.code(429).send(rateLimitBody('TEN_SECONDLY_ROLLING'));
    },
    unauthorized(reply: FastifyReply, reason) {
      return reply.code(401).send(unauthorizedBody(reason));
    },
  };
}
