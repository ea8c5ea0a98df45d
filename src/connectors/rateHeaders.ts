/**
 * Reads the vendor's rate-limit headers named in `rateLimit.headers`. Only numbers come out:
 * header values are never logged or put in errors.
 */
import type { RateLimitSpec } from '../spec/types.js';

export interface RateObservation {
  /** Requests left in the vendor's current window. */
  remaining?: number;
  /** The vendor's allowance per window. */
  limit?: number;
  /** Epoch ms when the vendor's window resets. */
  resetAt?: number;
  /** Daily units left. */
  dailyRemaining?: number;
  /** Daily units used and the daily limit (Salesforce `Sforce-Limit-Info: api-usage=18/5000`). */
  dailyUsed?: number;
  dailyLimit?: number;
}

type HeaderGetter = { get(name: string): string | null };

function num(h: HeaderGetter, name: string | undefined): number | undefined {
  if (!name) return undefined;
  const v = h.get(name);
  if (v === null || v.trim() === '') return undefined;
  const n = Number(v.trim());
  return Number.isFinite(n) ? n : undefined;
}

const USAGE = /api-usage=(\d+)\/(\d+)/;

export function readRateHeaders(headers: HeaderGetter, spec: RateLimitSpec['headers'], now: number): RateObservation | undefined {
  if (!spec) return undefined;
  const obs: RateObservation = {};
  const remaining = num(headers, spec.remaining);
  if (remaining !== undefined) obs.remaining = remaining;
  const limit = num(headers, spec.limit);
  if (limit !== undefined && limit > 0) obs.limit = limit;
  const reset = num(headers, spec.reset);
  if (reset !== undefined) {
    const unit = spec.resetUnit ?? 'seconds';
    obs.resetAt = unit === 'epochSeconds' ? reset * 1000 : now + (unit === 'milliseconds' ? reset : reset * 1000);
  }
  const daily = num(headers, spec.dailyRemaining);
  if (daily !== undefined) obs.dailyRemaining = daily;
  if (spec.usage) {
    const m = USAGE.exec(headers.get(spec.usage) ?? '');
    if (m) {
      obs.dailyUsed = Number(m[1]);
      obs.dailyLimit = Number(m[2]);
    }
  }
  return Object.keys(obs).length ? obs : undefined;
}
