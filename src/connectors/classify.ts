/**
 * Error classification (DESIGN §3). The connector's own `errors` rules are tried first, in order
 * (status and/or a regular expression over the body); unmatched failures fall back to defaults:
 * 408, 429 and 5xx are transient, 401/403 auth, 409/412 conflict, any other status mapping.
 * Network failures (timeouts, resets, refused connections) are always transient.
 */
import type { ErrorClass, ErrorRuleSpec } from '../spec/types.js';

export interface ErrorRule {
  statuses?: ReadonlySet<number>;
  bodyMatches?: RegExp;
  class: ErrorClass;
}

export function compileErrorRules(rules: ErrorRuleSpec[] | undefined): ErrorRule[] {
  return (rules ?? []).map((r) => {
    const rule: ErrorRule = { class: r.class };
    if (r.status !== undefined) rule.statuses = new Set(Array.isArray(r.status) ? r.status : [r.status]);
    if (r.bodyMatches !== undefined) rule.bodyMatches = new RegExp(r.bodyMatches);
    return rule;
  });
}

export function defaultClass(status: number): ErrorClass {
  if (status === 429 || status === 408 || status >= 500) return 'transient';
  if (status === 401 || status === 403) return 'auth';
  if (status === 409 || status === 412) return 'conflict';
  return 'mapping';
}

/** The first matching rule's class; a rule without `status` applies to any status. */
export function matchRule(status: number, bodyText: string, rules: readonly ErrorRule[]): ErrorClass | undefined {
  for (const rule of rules) {
    if (rule.statuses && !rule.statuses.has(status)) continue;
    if (rule.bodyMatches && !rule.bodyMatches.test(bodyText)) continue;
    return rule.class;
  }
  return undefined;
}

/** The class of a failed response: first matching rule, else the default for the status. */
export function classifyResponse(status: number, bodyText: string, rules: readonly ErrorRule[]): ErrorClass {
  return matchRule(status, bodyText, rules) ?? defaultClass(status);
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED']);

/** A short code for a failure below HTTP (`timeout`, `ECONNRESET`…), never its message text. */
export function networkErrorCode(err: unknown): string {
  let cur: unknown = err;
  for (let depth = 0; cur && depth < 4; depth++) {
    const e = cur as { name?: string; code?: string; cause?: unknown };
    if (e.name === 'TimeoutError') return 'timeout';
    if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return e.code;
    cur = e.cause;
  }
  return 'network';
}
