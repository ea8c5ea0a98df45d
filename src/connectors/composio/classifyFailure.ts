/**
 * Composio failures. A missing, expired or inactive connected account is an auth failure (the
 * tenant must reconnect; its work waits), never a failure of the record. A tool that ran but whose
 * upstream call failed may come back as 200 with `successful:false` or as 502/503 (FACTS §4.2:
 * which one is UNCONFIRMED), so both are classified; for the first, an upstream status in the
 * message is used when there is one.
 */
import { defaultClass, matchRule, type ErrorRule } from '../classify.js';
import type { ErrorClass } from '../errors.js';

export const CONNECTED_ACCOUNT_PROBLEM = /connected[\s_-]?account|connection (is )?(not found|expired|inactive|disabled|revoked)|needs? (re)?auth/i;

/** Rules applied after the connector's own and before the status defaults. */
export const COMPOSIO_RULES: ErrorRule[] = [{ statuses: new Set([400, 403, 404, 410, 422]), bodyMatches: CONNECTED_ACCOUNT_PROBLEM, class: 'auth' }];

const UPSTREAM_STATUS = /\b([45]\d\d)\b/;

/** Class of a `{successful:false, error}` answer. */
export function classifyToolFailure(message: string, rules: readonly ErrorRule[]): { class: ErrorClass; status?: number } {
  const m = UPSTREAM_STATUS.exec(message);
  const status = m ? Number(m[1]) : undefined;
  const byRule = matchRule(status ?? 200, message, rules);
  if (byRule) return { class: byRule, ...(status ? { status } : {}) };
  if (CONNECTED_ACCOUNT_PROBLEM.test(message)) return { class: 'auth', ...(status ? { status } : {}) };
  if (status) return { class: defaultClass(status), status };
  if (/rate.?limit|too many requests|timed? ?out|temporarily unavailable/i.test(message)) return { class: 'transient' };
  return { class: 'mapping' };
}
