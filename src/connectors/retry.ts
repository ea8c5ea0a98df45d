/**
 * Retries of transient failures: exponential backoff with full jitter
 * (`random(0, min(maxDelay, initialDelay · 2^n))`), a bounded number of attempts, and the
 * vendor's `Retry-After` as the lower bound of the wait. Only errors classified transient are
 * retried; auth, mapping and conflict fail at once.
 */
import { durationMs } from '../spec/duration.js';
import type { RetrySpec } from '../spec/types.js';
import { ConnectorError } from './errors.js';
import { sleep } from './http/sleep.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. Default: 6. */
  attempts: number;
  /** Default: 500 ms. */
  initialDelayMs: number;
  /** Default: 2 min. A `Retry-After` longer than this is not waited for: the error is returned with `retryAfterMs` so the caller reschedules. */
  maxDelayMs: number;
}

export function retryPolicy(spec: RetrySpec | undefined): RetryPolicy {
  return {
    attempts: spec?.attempts ?? 6,
    initialDelayMs: durationMs(spec?.initialDelay, 500),
    maxDelayMs: durationMs(spec?.maxDelay, 120_000),
  };
}

/** Full-jitter backoff before attempt `failedAttempts + 1`. */
export function backoffDelay(policy: RetryPolicy, failedAttempts: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, failedAttempts - 1));
  return Math.floor(random() * ceiling);
}

export interface RetryOptions {
  policy: RetryPolicy;
  signal?: AbortSignal;
  random?: () => number;
  /** Called before each wait; `attempt` is the attempt that failed (1-based). */
  onRetry?: (err: ConnectorError, attempt: number, delayMs: number) => void;
}

/** Runs `fn` until it succeeds, fails with a non-transient error, or the attempts are used up. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const { policy } = opts;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!(err instanceof ConnectorError) || err.class !== 'transient') throw err;
      if (attempt >= policy.attempts) throw err.with({ attempts: attempt });
      if (err.retryAfterMs !== undefined && err.retryAfterMs > policy.maxDelayMs) throw err.with({ attempts: attempt });
      const delay = Math.max(backoffDelay(policy, attempt, opts.random), err.retryAfterMs ?? 0);
      opts.onRetry?.(err, attempt, delay);
      await sleep(delay, opts.signal);
    }
  }
}
